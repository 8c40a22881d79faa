"""The fault matrix: every mutating step of the example refresh, under each kind of fault, in the first of two
executions. Whatever happens, production is only read, every target name is held by an available instance
after the failed execution, and the second execution completes the refresh with nothing left behind."""

from __future__ import annotations

from typing import Any

import pytest

from tests.workflow.conftest import READ_ONLY, by_id, simulate

SOURCE_TREE = {"mitosis-prod", "mitosis-prod-replica"}
TARGET_TREE = {"mitosis-demo": None, "mitosis-demo-replica": "mitosis-demo"}
PORTS = {"mitosis-demo": 5431, "mitosis-demo-replica": 5432}

# step -> (operation, request match, the instance the step makes busy, matching status changes to let pass)
STEPS: dict[str, tuple[str, dict[str, Any] | None, str | None, int]] = {
    "clone": ("rds:CreateDBInstanceReadReplica", {"DBInstanceIdentifier": "temp-mitosis-demo"},
              "temp-mitosis-demo", 0),
    # the copy's parameter group (a MySQL replica takes none at creation): no status of its own, so no status fault
    "configure copy": ("rds:ModifyDBInstance", {"DBInstanceIdentifier": "temp-mitosis-demo",
                                                "DBParameterGroupName": "demo-mysql8"}, None, 0),
    "promote": ("rds:PromoteReadReplica", {"DBInstanceIdentifier": "temp-mitosis-demo"}, "temp-mitosis-demo", 1),
    "create replica": ("rds:CreateDBInstanceReadReplica", {"DBInstanceIdentifier": "temp-mitosis-demo-replica"},
                       "temp-mitosis-demo-replica", 0),
    "tag retired": ("rds:AddTagsToResource", None, None, 0),
    "retire primary": ("rds:ModifyDBInstance", {"NewDBInstanceIdentifier": "old-mitosis-demo"}, "mitosis-demo", 0),
    "retire replica": ("rds:ModifyDBInstance", {"NewDBInstanceIdentifier": "old-mitosis-demo-replica"},
                       "mitosis-demo-replica", 0),
    "install primary": ("rds:ModifyDBInstance", {"DBInstanceIdentifier": "temp-mitosis-demo",
                                                 "NewDBInstanceIdentifier": "mitosis-demo"}, "temp-mitosis-demo", 2),
    "install replica": ("rds:ModifyDBInstance", {"DBInstanceIdentifier": "temp-mitosis-demo-replica",
                                                 "NewDBInstanceIdentifier": "mitosis-demo-replica"},
                        "temp-mitosis-demo-replica", 1),
    "protect copy": ("rds:ModifyDBInstance", {"DBInstanceIdentifier": "mitosis-demo", "DeletionProtection": True},
                     None, 0),
    "restart": ("ecs:UpdateService", None, None, 0),
    "delete old primary": ("rds:DeleteDBInstance", {"DBInstanceIdentifier": "old-mitosis-demo"}, None, 0),
    "delete old replica": ("rds:DeleteDBInstance", {"DBInstanceIdentifier": "old-mitosis-demo-replica"}, None, 0),
}


def cases() -> list[Any]:
    found = []
    for step, (operation, match, busy, after) in STEPS.items():
        where = {"match": match} if match else {}
        found.append(pytest.param("SUCCEEDED", [{"operation": operation, **where, "error": "Throttling", "times": 1,
                                                 "attempts": [1]}], id=f"{step}: absorbed error"))
        found.append(pytest.param("FAILED", [{"operation": operation, **where, "error": "InvalidParameterCombination",
                                              "times": -1, "attempts": [1]}], id=f"{step}: persistent error"))
        if busy:
            status = {"operation": "rds:status", "match": {"DBInstanceIdentifier": busy},
                      "status": "failed", "attempts": [1], **({"after": after} if after else {})}
            found.append(pytest.param("FAILED", [status], id=f"{step}: failed status"))
    found.append(pytest.param("FAILED", [{"operation": "ecs:deployment", "rolloutState": "FAILED", "attempts": [1]}],
                              id="restart: failed rollout"))
    return found


CASES = cases()


@pytest.mark.parametrize(("first", "faults"), CASES)
def test_fault_in_the_first_execution(example_world: dict[str, Any], example_input: dict[str, Any], first: str,
                                      faults: list[dict[str, Any]]) -> None:
    report = simulate(example_world, example_input, faults=faults, attempts=2)
    attempts = report["attempts"]
    assert attempts[0]["status"] == first, attempts[0].get("cause")
    # production is only read
    for call in report["calls"]:
        if not call["operation"].startswith(READ_ONLY):
            named = {call["params"].get(k) for k in ("DBInstanceIdentifier", "NewDBInstanceIdentifier")}
            assert not named & SOURCE_TREE, call
    # every name is held by an available instance when the failed execution ends
    if first == "FAILED":
        held = by_id({"instances": attempts[0]["instances"]})
        for name in TARGET_TREE:
            assert held.get(name, {}).get("DBInstanceStatus") == "available", (name, attempts[0].get("cause"))
    # the second execution completes the refresh
    assert report["status"] == "SUCCEEDED", attempts[-1].get("cause")
    final = by_id(report)
    for name, parent in TARGET_TREE.items():
        assert final[name]["DBInstanceStatus"] == "available"
        assert final[name]["data_origin"] == "mitosis-prod"
        assert final[name]["ReadReplicaSourceDBInstanceIdentifier"] == parent
        assert final[name]["Endpoint"]["Port"] == PORTS[name]
    assert final["mitosis-demo"]["DeletionProtection"] is True
    # nothing unaccounted for: the world's instances, and final snapshots of the old primary only
    assert set(final) == {i["DBInstanceIdentifier"] for i in example_world["rds"]["instances"]}
    assert all(s["DBSnapshotIdentifier"].startswith("mitosis-demo-final-") for s in report["snapshots"])
    # the old primary's final snapshot, unless it ended in a status RDS cannot snapshot: the output says so
    primary = next(d for d in attempts[-1]["output"]["deleted"] if d["DBInstanceIdentifier"] == "old-mitosis-demo")
    if primary["final_snapshot"]:
        assert len(report["snapshots"]) == 1
    else:
        assert report["snapshots"] == [] and "cannot take a final snapshot" in primary["note"]
