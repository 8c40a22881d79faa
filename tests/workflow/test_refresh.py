"""The synthesized state machine, with the real handlers, refreshing simulated worlds end to end."""

from __future__ import annotations

from typing import Any

from tests.workflow.conftest import by_id, mutating_calls, simulate, tree_world


def test_example_world_is_refreshed_with_production_data_and_its_own_settings(
        example_world: dict[str, Any], example_input: dict[str, Any]) -> None:
    # When the example refresh runs
    report = simulate(example_world, example_input)
    # Then it succeeds, and each target name holds production's data with its old settings
    assert report["status"] == "SUCCEEDED"
    final = by_id(report)
    primary, replica = final["mitosis-demo"], final["mitosis-demo-replica"]
    assert primary["DBInstanceStatus"] == replica["DBInstanceStatus"] == "available"
    assert primary["data_origin"] == replica["data_origin"] == "mitosis-prod"
    assert replica["ReadReplicaSourceDBInstanceIdentifier"] == "mitosis-demo"
    assert primary["Endpoint"]["Port"] == 5431 and replica["Endpoint"]["Port"] == 5432
    assert primary["DBInstanceClass"] == "db.t3.small" and replica["DBInstanceClass"] == "db.t3.micro"
    assert primary["PreferredMaintenanceWindow"] == "tue:07:02-tue:08:00"
    assert primary["PreferredBackupWindow"] == "05:30-06:20"
    assert replica["PreferredMaintenanceWindow"] == "mon:07:30-mon:08:00"
    assert [g["DBParameterGroupName"] for g in primary["DBParameterGroups"]] == ["demo-mysql8"]
    assert [g["VpcSecurityGroupId"] for g in primary["VpcSecurityGroups"]] == ["sg-demo"]
    assert primary["DeletionProtection"] is True and primary["BackupRetentionPeriod"] == 3
    assert {("env", "demo"), ("Service", "Mitosis")} <= {(t["Key"], t["Value"]) for t in primary["TagList"]}
    assert ("role", "reporting") in {(t["Key"], t["Value"]) for t in replica["TagList"]}
    # and nothing is left behind, and production was only read
    assert not [name for name in final if name.startswith(("temp-", "old-"))]
    assert final["mitosis-prod"]["data_origin"] == "mitosis-prod"
    touched = {c["params"].get(k) for c in mutating_calls(report)
               for k in ("DBInstanceIdentifier", "NewDBInstanceIdentifier")}
    assert not touched & {"mitosis-prod", "mitosis-prod-replica"}
    # and the restart waited for the rollout before the old tree was deleted
    restart = next(c for c in report["calls"] if c["operation"] == "UpdateService")
    first_delete = next(c for c in report["calls"] if c["operation"] == "DeleteDBInstance")
    assert first_delete["t"] > restart["t"]


def test_dry_run_changes_nothing_and_outputs_the_flight_plan(
        example_world: dict[str, Any], example_input: dict[str, Any]) -> None:
    report = simulate(example_world, {**example_input, "dry_run": True})
    assert report["status"] == "SUCCEEDED"
    assert mutating_calls(report) == []
    plan = report["attempts"][-1]["output"]
    lines = [(op["op"], op["params"].get("DBInstanceIdentifier")) for op in plan["flight_plan"]]
    # the copy gets demo's parameter group by a modify (RDS takes none when it creates a MySQL replica), which the
    # promote's reboot puts in effect
    assert lines[:5] == [("CreateDBInstanceReadReplica", "temp-mitosis-demo"),
                         ("ModifyDBInstance", "temp-mitosis-demo"),
                         ("PromoteReadReplica", "temp-mitosis-demo"),
                         ("RebootDBInstance", "temp-mitosis-demo"),  # skipped when the promote applied the group
                         ("CreateDBInstanceReadReplica", "temp-mitosis-demo-replica")]
    assert ("DeleteDBInstance", "old-mitosis-demo") in lines


def test_a_three_level_tree_keeps_its_shape_and_settings() -> None:
    # Given staging -> a -> b -> c and staging -> d
    edges = {"staging-a": "staging", "staging-d": "staging", "staging-b": "staging-a", "staging-c": "staging-b"}
    world = tree_world(edges)
    report = simulate(world, {"source": "production", "target": "staging"})
    assert report["status"] == "SUCCEEDED", report["attempts"][-1].get("cause")
    final = by_id(report)
    for name, parent in edges.items():
        assert final[name]["ReadReplicaSourceDBInstanceIdentifier"] == parent
        assert final[name]["data_origin"] == "production"
        assert final[name]["DBInstanceStatus"] == "available"
    ports = {w["DBInstanceIdentifier"]: w.get("Port") for w in world["rds"]["instances"]}
    assert all(final[name]["Endpoint"]["Port"] == ports[name] for name in [*edges, "staging"])
    assert final["staging"]["BackupRetentionPeriod"] == 2
    assert not [name for name in final if name.startswith(("temp-", "old-"))]


def test_bad_input_fails_in_the_first_state_with_nothing_changed(example_world: dict[str, Any]) -> None:
    report = simulate(example_world, {"source": "mitosis-prod", "target": "mitosis-demo", "dry_rn": True})
    attempt = report["attempts"][-1]
    assert report["status"] == "FAILED" and attempt["error"] == "InvalidInput"
    assert "dry_rn" in attempt["cause"]
    assert report["calls"] == [] and [s["name"] for s in report["states"]] == ["Describe"]


def test_refusal_names_the_problem_and_changes_nothing(example_world: dict[str, Any]) -> None:
    report = simulate(example_world, {"source": "mitosis-prod", "target": "mitosis-prod"})
    attempt = report["attempts"][-1]
    assert attempt["error"] == "InvalidInput" and "both 'mitosis-prod'" in attempt["cause"]
    assert mutating_calls(report) == []
