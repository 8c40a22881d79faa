"""Aurora refreshes end to end, on the simulator with IAM enforced: a three-instance production cluster refreshes a
two-instance staging cluster by a copy-on-write clone (simulator/examples/world-aurora.json), keeping every name
(the writer's too) and every setting, reading production only, leaving nothing behind; its dry run; the master
password and the before-swap hook on the clone; refusals before any change; and a fault at each step, whose failed
execution leaves every name held by an available instance or cluster and whose re-run completes the refresh."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.workflow.conftest import EXAMPLES, READ_ONLY, by_id, mutating_calls, simulate

WORLD: dict[str, Any] = json.loads((EXAMPLES / "world-aurora.json").read_text())
REFRESH: dict[str, Any] = json.loads((EXAMPLES / "input-aurora.json").read_text())
PRODUCTION = {"shop-prod", "shop-prod-1", "shop-prod-2", "shop-prod-3"}
CLUSTER, WRITER, READER = "shop-staging", "shop-staging-2", "shop-staging-1"
NAMES = (CLUSTER, WRITER, READER)
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-staging-master"


def clusters(report: dict[str, Any], attempt: int | None = None) -> dict[str, dict[str, Any]]:
    found = report["clusters"] if attempt is None else report["attempts"][attempt]["clusters"]
    return {c["DBClusterIdentifier"]: c for c in found}


def own_tags(resource: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((t["Key"], t["Value"]) for t in resource.get("TagList", [])
                  if not t["Key"].startswith("stack-mitosis:"))


def cluster_settings(cluster: dict[str, Any]) -> dict[str, Any]:
    """What the staging cluster's owners set, as DescribeDBClusters shows it."""
    return {
        "parameter group": cluster["DBClusterParameterGroup"], "subnets": cluster["DBSubnetGroup"],
        "security groups": [g["VpcSecurityGroupId"] for g in cluster["VpcSecurityGroups"]], "port": cluster["Port"],
        "retention": cluster["BackupRetentionPeriod"],
        "windows": (cluster["PreferredBackupWindow"], cluster["PreferredMaintenanceWindow"]),
        "protected": cluster["DeletionProtection"], "logs": sorted(cluster.get("EnabledCloudwatchLogsExports") or []),
        "iam auth": cluster["IAMDatabaseAuthenticationEnabled"], "key": cluster["KmsKeyId"],
        "serverless v2": cluster.get("ServerlessV2ScalingConfiguration"),
        "copy tags": cluster["CopyTagsToSnapshot"], "tags": own_tags(cluster), "engine": cluster["Engine"],
        "members": {m["DBInstanceIdentifier"]: m["IsClusterWriter"] for m in cluster["DBClusterMembers"]},
    }


def instance_settings(instance: dict[str, Any]) -> dict[str, Any]:
    """What an instance's owners set, as DescribeDBInstances shows it."""
    return {
        "class": instance["DBInstanceClass"], "cluster": instance["DBClusterIdentifier"],
        "parameters": [(g["DBParameterGroupName"], g["ParameterApplyStatus"]) for g in instance["DBParameterGroups"]],
        "tier": instance.get("PromotionTier"),
        "monitoring": (instance.get("MonitoringInterval"), instance.get("MonitoringRoleArn")),
        "insights": (instance.get("PerformanceInsightsEnabled"), instance.get("PerformanceInsightsKMSKeyId"),
                     instance.get("PerformanceInsightsRetentionPeriod")),
        "maintenance": instance.get("PreferredMaintenanceWindow"),
        "minor upgrades": instance["AutoMinorVersionUpgrade"],
        "port": instance["Endpoint"]["Port"], "tags": own_tags(instance),
    }


def before(world: dict[str, Any] = WORLD) -> dict[str, dict[str, Any]]:
    """The target's settings as the world starts (a dry run changes nothing)."""
    report = simulate(world, {**REFRESH, "dry_run": True})
    return {CLUSTER: cluster_settings(clusters(report)[CLUSTER]),
            **{name: instance_settings(by_id(report)[name]) for name in (WRITER, READER)}}


def after(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {CLUSTER: cluster_settings(clusters(report)[CLUSTER]),
            **{name: instance_settings(by_id(report)[name]) for name in (WRITER, READER)}}


def touching_production(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every call that changes something and names production's cluster or instances (the clone only reads it: it
    names production as SourceDBClusterIdentifier, which the check leaves to the caller)."""
    keys = ("DBInstanceIdentifier", "NewDBInstanceIdentifier", "DBClusterIdentifier", "NewDBClusterIdentifier")
    return [c for c in mutating_calls(report) if {c["params"].get(k) for k in keys} & PRODUCTION
            or str(c["params"].get("ResourceName", "")).rsplit(":", 1)[-1] in PRODUCTION]


def nothing_left_behind(report: dict[str, Any]) -> None:
    assert set(by_id(report)) == {i["DBInstanceIdentifier"] for i in WORLD["rds"]["instances"]}
    assert set(clusters(report)) == {c["DBClusterIdentifier"] for c in WORLD["rds"]["clusters"]}
    assert report["snapshots"] == []
    assert all(s["DBClusterSnapshotIdentifier"].startswith(f"{CLUSTER}-final-") for s in report["cluster_snapshots"])


# --- the refresh ----------------------------------------------------------------------------------------------------


def test_a_three_instance_production_cluster_refreshes_a_two_instance_staging_cluster() -> None:
    # Given the staging cluster as its owners set it up (its writer is shop-staging-2)
    old = before()
    assert old[CLUSTER]["members"] == {WRITER: True, READER: False}
    # When it is refreshed from production's cluster
    report = simulate(WORLD, REFRESH)
    # Then every request was one RDS accepts and every call one IAM allowed
    assert report["status"] == "SUCCEEDED", report["attempts"][-1].get("cause")
    assert report["iam_enforced"] is True and report["denied"] == []
    # every name holds production's data, with every setting kept, the writer under the same name
    final, cluster = by_id(report), clusters(report)[CLUSTER]
    assert cluster["data_origin"] == "shop-prod" and cluster["Status"] == "available"
    assert all(final[name]["data_origin"] == "shop-prod" and final[name]["DBInstanceStatus"] == "available"
               for name in (WRITER, READER))
    assert after(report) == old
    # the clone shared production's storage: copy-on-write, at the latest restorable time
    [clone] = [c["params"] for c in report["calls"] if c["operation"] == "RestoreDBClusterToPointInTime"]
    assert (clone["SourceDBClusterIdentifier"], clone["RestoreType"], clone["UseLatestRestorableTime"]) == (
        "shop-prod", "copy-on-write", True)
    assert cluster.get("CloneGroupId") and cluster["CloneGroupId"] == clusters(report)["shop-prod"]["CloneGroupId"]
    # production was only read (and cloned), and is as it was
    assert touching_production(report) == []
    assert {name: final[name]["DBInstanceStatus"] for name in PRODUCTION - {"shop-prod"}} == {
        "shop-prod-1": "available", "shop-prod-2": "available", "shop-prod-3": "available"}
    assert clusters(report)["shop-prod"]["DeletionProtection"] is True
    # nothing is left behind but the old cluster's final snapshot, with the old data
    nothing_left_behind(report)
    [snapshot] = report["cluster_snapshots"]
    assert snapshot["data_origin"] == CLUSTER
    # each name was down only for its renames: the cluster's endpoint while its cluster or its writer was renamed
    assert set(report["downtime_s"]) == set(NAMES)
    assert all(0 < seconds < 1500 for seconds in report["downtime_s"].values()), report["downtime_s"]


def test_an_aurora_mysql_cluster_refreshes_too_with_its_backtrack_window() -> None:
    # Given the same clusters on Aurora MySQL 8.0, production's with a backtrack window and staging's without
    world = copy.deepcopy(WORLD)
    for cluster in world["rds"]["clusters"]:
        cluster.update(Engine="aurora-mysql", EngineVersion="8.0.mysql_aurora.3.05.2",
                       Port=cluster["Port"] - 5432 + 3306)
    world["rds"]["clusters"][0].update(EnableCloudwatchLogsExports=["audit", "slowquery"], BacktrackWindow=3600)
    world["rds"]["clusters"][1]["EnableCloudwatchLogsExports"] = ["error"]
    old = before(world)
    # When it is refreshed
    report = simulate(world, REFRESH)
    # Then as for PostgreSQL: every setting kept (the log exports the target's, not production's), production's data
    assert report["status"] == "SUCCEEDED", report["attempts"][-1].get("cause")
    assert report["denied"] == [] and after(report) == old
    assert clusters(report)[CLUSTER]["data_origin"] == "shop-prod"
    assert clusters(report)[CLUSTER]["BacktrackWindow"] == 0  # the target's: off
    nothing_left_behind(report)


def test_the_writers_copy_is_created_first_then_the_readers() -> None:
    report = simulate(WORLD, REFRESH)
    creates = [(c["t"], c["params"]["DBInstanceIdentifier"]) for c in report["calls"]
               if c["operation"] == "CreateDBInstance"]
    assert [name for _, name in creates] == [f"temp-{WRITER}", f"temp-{READER}"]
    assert creates[0][0] < creates[1][0]  # the reader's once the writer's is available
    # no setting the cluster manages was sent for an instance (CreateDBInstance: "managed by the DB cluster")
    managed = {"MasterUserPassword", "VpcSecurityGroupIds", "BackupRetentionPeriod", "Port", "StorageEncrypted",
               "KmsKeyId", "EngineVersion", "AllocatedStorage", "DeletionProtection"}
    assert not [c for c in report["calls"] if c["operation"] == "CreateDBInstance" and managed & set(c["params"])]


def test_a_dry_run_shows_the_plan_and_changes_nothing() -> None:
    report = simulate(WORLD, {**REFRESH, "dry_run": True})
    assert report["status"] == "SUCCEEDED" and mutating_calls(report) == []
    output = report["attempts"][-1]["output"]
    assert output["clone_method"] == "copy_on_write"
    operations = [(op["op"], op["params"].get("DBInstanceIdentifier") or op["params"].get("DBClusterIdentifier"))
                  for op in output["flight_plan"]]
    assert operations == [
        ("RestoreDBClusterToPointInTime", f"temp-{CLUSTER}"),
        ("CreateDBInstance", f"temp-{WRITER}"), ("CreateDBInstance", f"temp-{READER}"),
        ("ModifyDBCluster", CLUSTER), ("ModifyDBCluster", f"temp-{CLUSTER}"),
        ("ModifyDBInstance", WRITER), ("ModifyDBInstance", f"temp-{WRITER}"),
        ("ModifyDBInstance", READER), ("ModifyDBInstance", f"temp-{READER}"),
        ("ModifyDBCluster", CLUSTER),
        ("Restart (ecs)", None),
        ("DeleteDBInstance", f"old-{READER}"), ("DeleteDBInstance", f"old-{WRITER}"),
        ("DeleteDBCluster", f"old-{CLUSTER}"),
    ]
    assert any(note.startswith("Clone method: copy_on_write") for note in output["notes"])


def test_the_master_password_is_the_secrets_and_the_hook_runs_against_the_clones_endpoint() -> None:
    world = copy.deepcopy(WORLD)
    world["ec2"] = {"instances": [{"Tags": [{"Key": "role", "Value": "scrubber"}]}]}
    hook = {"type": "ssm", "targets": [{"Key": "tag:role", "Values": ["scrubber"]}],
            "parameters": {"commands": ["scrub --host {endpoint} --port {port}"]}}
    report = simulate(world, {**REFRESH, "master_password": {"secret_arn": SECRET_ARN}, "before_swap": hook})
    assert report["status"] == "SUCCEEDED", report["attempts"][-1].get("cause")
    assert report["denied"] == []
    [password] = [c for c in report["calls"] if c["operation"] == "ModifyDBCluster" and "MasterUserPassword" in
                  c["params"]]
    assert password["params"] == {"DBClusterIdentifier": f"temp-{CLUSTER}", "MasterUserPassword": "****",
                                  "ApplyImmediately": True}
    assert "staging-only-pw" not in json.dumps(report)
    [sent] = [c for c in report["calls"] if c["operation"] == "SendCommand"]
    command = sent["params"]["Parameters"]["commands"][0]
    assert command.startswith(f"scrub --host temp-{CLUSTER}.cluster-") and command.endswith("--port 5433")


# --- refusals before any change --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("execution_input", "says"), [
    pytest.param({"source": "shop-prod", "target": CLUSTER}, "declares aurora: false", id="aurora-not-declared"),
    pytest.param({**REFRESH, "source": "shop-prod-1"}, "source 'shop-prod-1' is an instance of Aurora cluster",
                 id="instance-source"),
    pytest.param({**REFRESH, "target": "shop-staging-1"}, "is an instance of Aurora cluster 'shop-staging'",
                 id="a-cluster-instance-as-target"),
    pytest.param({**REFRESH, "clone": {"method": "snapshot"}}, "copy-on-write", id="instance-clone-method"),
])
def test_a_refresh_an_aurora_clone_cannot_do_is_refused_before_any_change(execution_input: dict[str, Any],
                                                                          says: str) -> None:
    report = simulate(WORLD, execution_input)
    attempt = report["attempts"][-1]
    assert attempt["error"] == "PlanRefused" and says in attempt["cause"], attempt["cause"]
    assert mutating_calls(report) == []


def test_production_of_another_engine_is_refused_before_any_change() -> None:
    # production on Aurora MySQL: a clone of it cannot keep the target's engine (nor its parameter groups)
    world = copy.deepcopy(WORLD)
    production = world["rds"]["clusters"][0]
    production.update(Engine="aurora-mysql", EngineVersion="8.0.mysql_aurora.3.05.2",
                      EnableCloudwatchLogsExports=["error"])
    del production["DBClusterParameterGroupName"]
    for entry in world["rds"]["instances"][:3]:
        entry.pop("DBParameterGroupName", None)
    report = simulate(world, REFRESH)
    attempt = report["attempts"][-1]
    assert attempt["error"] == "PlanRefused" and "runs aurora-mysql and 'shop-staging' aurora-postgresql" in \
        attempt["cause"]
    assert mutating_calls(report) == []


# --- faults at each step ---------------------------------------------------------------------------------------------

PASSWORD = {"master_password": {"secret_arn": SECRET_ARN}}
# step -> (operation, request match, status-fault match (None: AWS documents no failed status for it), after)
STEPS: dict[str, tuple[str, dict[str, Any] | None, dict[str, Any] | None, int]] = {
    "clone": ("rds:RestoreDBClusterToPointInTime", {"DBClusterIdentifier": f"temp-{CLUSTER}"},
              {"DBClusterIdentifier": f"temp-{CLUSTER}", "RestoreType": "copy-on-write"}, 0),
    "create writer": ("rds:CreateDBInstance", {"DBInstanceIdentifier": f"temp-{WRITER}"},
                      {"DBInstanceIdentifier": f"temp-{WRITER}"}, 0),
    "create reader": ("rds:CreateDBInstance", {"DBInstanceIdentifier": f"temp-{READER}"},
                      {"DBInstanceIdentifier": f"temp-{READER}"}, 0),
    "set password": ("rds:ModifyDBCluster", {"DBClusterIdentifier": f"temp-{CLUSTER}"}, None, 0),
    "tag retired": ("rds:AddTagsToResource", None, None, 0),
    "retire cluster": ("rds:ModifyDBCluster", {"NewDBClusterIdentifier": f"old-{CLUSTER}"}, None, 0),
    "retire writer": ("rds:ModifyDBInstance", {"NewDBInstanceIdentifier": f"old-{WRITER}"},
                      {"DBInstanceIdentifier": WRITER}, 0),
    "install cluster": ("rds:ModifyDBCluster", {"DBClusterIdentifier": f"temp-{CLUSTER}",
                                                "NewDBClusterIdentifier": CLUSTER}, None, 0),
    "install writer": ("rds:ModifyDBInstance", {"DBInstanceIdentifier": f"temp-{WRITER}"},
                       {"DBInstanceIdentifier": f"temp-{WRITER}"}, 1),
    "install reader": ("rds:ModifyDBInstance", {"DBInstanceIdentifier": f"temp-{READER}"},
                       {"DBInstanceIdentifier": f"temp-{READER}"}, 1),
    "protect": ("rds:ModifyDBCluster", {"DBClusterIdentifier": CLUSTER, "DeletionProtection": True}, None, 0),
    "restart": ("ecs:UpdateService", None, None, 0),
    "delete old writer": ("rds:DeleteDBInstance", {"DBInstanceIdentifier": f"old-{WRITER}"}, None, 0),
    "delete old cluster": ("rds:DeleteDBCluster", {"DBClusterIdentifier": f"old-{CLUSTER}"}, None, 0),
}


def cases() -> list[Any]:
    found = []
    for step, (operation, match, status_match, after) in STEPS.items():
        where = {"match": match} if match else {}
        found.append(pytest.param("SUCCEEDED", [{"operation": operation, **where, "error": "Throttling", "times": 1,
                                                 "attempts": [1]}], id=f"{step}: absorbed error"))
        found.append(pytest.param("FAILED", [{"operation": operation, **where, "error": "InvalidParameterCombination",
                                              "times": -1, "attempts": [1]}], id=f"{step}: persistent error"))
        if status_match:
            status = "cloning-failed" if "RestoreType" in status_match else "failed"
            found.append(pytest.param("FAILED", [{"operation": "rds:status", "match": status_match, "status": status,
                                                  "attempts": [1], **({"after": after} if after else {})}],
                                      id=f"{step}: failed status"))
    return found


def held(instances: dict[str, dict[str, Any]], found_clusters: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each name's holder's status (a cluster's: with its writer available)."""
    statuses = {name: instances.get(name, {}).get("DBInstanceStatus", "missing") for name in (WRITER, READER)}
    cluster = found_clusters.get(CLUSTER)
    writer = next((m["DBInstanceIdentifier"] for m in (cluster or {}).get("DBClusterMembers", [])
                   if m["IsClusterWriter"]), None)
    writer_status = next((i["DBInstanceStatus"] for i in instances.values() if i["DBInstanceIdentifier"] == writer),
                         "none")
    statuses[CLUSTER] = f"{cluster['Status']}, writer {writer_status}" if cluster else "missing"
    return statuses


@pytest.mark.parametrize(("first", "faults"), cases())
def test_a_fault_at_any_step_keeps_every_name_held_and_the_rerun_completes(first: str,
                                                                         faults: list[dict[str, Any]]) -> None:
    report = simulate(WORLD, {**REFRESH, **PASSWORD}, faults=faults, attempts=2)
    attempts = report["attempts"]
    assert attempts[0]["status"] == first, attempts[0].get("cause")
    assert report["denied"] == []
    # production is only read
    assert touching_production(report) == []
    assert not [c for c in report["calls"] if not c["operation"].startswith(READ_ONLY)
                and c["params"].get("SourceDBClusterIdentifier") not in (None, "shop-prod")]
    # every name is held by an available instance (the cluster's, by an available cluster with an available writer)
    if first == "FAILED":
        assert held(by_id({"instances": attempts[0]["instances"]}), clusters(report, 0)) == {
            CLUSTER: "available, writer available", WRITER: "available", READER: "available"}, attempts[0]["cause"]
    # the second execution completes the refresh: production's data under every name, the writer kept
    assert report["status"] == "SUCCEEDED", attempts[-1].get("cause")
    final, cluster = by_id(report), clusters(report)[CLUSTER]
    assert cluster["data_origin"] == "shop-prod" and cluster["DeletionProtection"] is True
    assert {m["DBInstanceIdentifier"]: m["IsClusterWriter"] for m in cluster["DBClusterMembers"]} == {
        WRITER: True, READER: False}
    assert all(final[name]["data_origin"] == "shop-prod" for name in (WRITER, READER))
    nothing_left_behind(report)
