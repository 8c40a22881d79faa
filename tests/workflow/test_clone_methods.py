"""The three ways to clone production: a read replica, a point-in-time restore and a snapshot restore (a snapshot
of this account, or one another account shares). Each ends with production's data under the target's names and
the target's settings; each refusal comes before any change."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.workflow.conftest import EXAMPLES, by_id, mutating_calls, simulate
from tests.workflow.test_real_account import KEY, MYSQL_TREE, REFRESH, TREE, before, settings

# The MySQL tree with its subnet group in a VPC of its own (no replica of production can land there), and
# Performance Insights encrypted with a key of its own, which a restore cannot set.
OTHER_VPC: dict[str, Any] = json.loads((EXAMPLES / "world-other-vpc.json").read_text())
# The MySQL tree in an account of its own: production's account shares an encrypted weekly snapshot, and its key.
SHARED: dict[str, Any] = json.loads((EXAMPLES / "world-shared-snapshot.json").read_text())
FROM_SHARED: dict[str, Any] = json.loads((EXAMPLES / "input-shared-snapshot.json").read_text())
SHARED_ARN = FROM_SHARED["clone"]["snapshot"]


def refreshed(world: dict[str, Any], execution_input: dict[str, Any], same_key: bool = False) -> dict[str, Any]:
    """The report of a refresh that succeeded, IAM enforced, with production's data and the old settings (bar
    the storage, which never shrinks, and, unless `same_key`, the primary's key) under every name of the tree."""
    old = before(world)
    report = simulate(world, execution_input)
    assert report["status"] == "SUCCEEDED", report["attempts"][-1].get("cause")
    assert report["iam_enforced"] is True and report["denied"] == []
    final = by_id(report)
    for name in TREE:
        assert final[name]["data_origin"] == "orders", name
        kept = {**settings(final[name]), "key": old[name]["key"]} if name == "orders-staging" and not same_key \
            else settings(final[name])
        assert kept == old[name], name
    assert not [name for name in final if name.startswith(("temp-", "old-"))]
    return report


def operations(report: dict[str, Any]) -> list[str]:
    return [call["operation"] for call in mutating_calls(report)]


def notes(report: dict[str, Any]) -> list[str]:
    return list(report["attempts"][-1]["output"]["notes"])


POINT_IN_TIME = {**REFRESH, "clone": {"method": "point_in_time"}}


def test_a_point_in_time_restore_lands_a_target_in_another_vpc_with_productions_latest_data() -> None:
    report = refreshed(OTHER_VPC, POINT_IN_TIME)
    [restore] = [c["params"] for c in report["calls"] if c["operation"] == "RestoreDBInstanceToPointInTime"]
    assert restore["SourceDBInstanceIdentifier"] == "orders" and restore["UseLatestRestorableTime"] is True
    # the restore lands in the target's subnet group, with the target's security groups
    assert restore["DBSubnetGroupName"] == "staging-subnets" and restore["VpcSecurityGroupIds"] == ["sg-staging"]
    # nothing against production but reads and the restore
    touching_production = [c["operation"] for c in mutating_calls(report) if "orders" in (
        c["params"].get("DBInstanceIdentifier"), c["params"].get("SourceDBInstanceIdentifier"))]
    assert touching_production == ["RestoreDBInstanceToPointInTime"]
    assert notes(report)[0].startswith("Clone method: point_in_time")
    # a point-in-time restore keeps production's key (RestoreDBInstanceToPointInTime takes no KmsKeyId), and the
    # plan says so
    assert by_id(report)["orders-staging"]["KmsKeyId"] == f"{KEY}prod-key"
    assert any("production's key" in note for note in notes(report))
    # Performance Insights, which a restore does not take, is turned on by a modify, with its key
    copy_of_primary = by_id(report)["orders-staging"]
    assert (copy_of_primary["PerformanceInsightsEnabled"], copy_of_primary["PerformanceInsightsKMSKeyId"]) == (
        True, f"{KEY}insights")


def test_auto_restores_a_target_in_another_vpc_from_productions_newest_snapshot_copied_with_its_key() -> None:
    # no replica of production can land in staging's subnet group, and a point-in-time restore would keep
    # production's key: the newest snapshot, copied with staging's key, keeps every setting
    report = refreshed(OTHER_VPC, REFRESH, same_key=True)
    assert operations(report)[:2] == ["CopyDBSnapshot", "RestoreDBInstanceFromDBSnapshot"]
    [copied] = [c["params"] for c in report["calls"] if c["operation"] == "CopyDBSnapshot"]
    assert copied["SourceDBSnapshotIdentifier"].startswith("rds:orders-")
    assert copied["KmsKeyId"] == f"{KEY}staging-key"
    assert notes(report)[0].startswith("Clone method: snapshot: a restore of rds:orders-")
    assert "auto: 'orders-staging' is in VPC" in notes(report)[0] and "keep production's key" in notes(report)[0]
    touching_production = [c["operation"] for c in mutating_calls(report) if "orders" in (
        c["params"].get("DBInstanceIdentifier"), c["params"].get("SourceDBInstanceIdentifier"))]
    assert touching_production == []
    # the copy is deleted once restored: only the old primary's final snapshot is left
    assert [s["DBSnapshotIdentifier"] for s in report["snapshots"]] == ["orders-staging-final-refresh-attempt-1"]


def test_asked_for_a_snapshot_the_newest_of_production_is_restored() -> None:
    report = refreshed(MYSQL_TREE, {**REFRESH, "clone": {"method": "snapshot"}}, same_key=True)
    [restore] = [c["params"] for c in report["calls"] if c["operation"] == "RestoreDBInstanceFromDBSnapshot"]
    assert restore["DBSnapshotIdentifier"] == "orders-staging-source-refresh-attempt-1"
    assert "the newest available of 'orders'" in notes(report)[0]


def test_a_snapshot_shared_and_encrypted_by_another_account_is_copied_with_the_targets_key_then_restored() -> None:
    report = refreshed(SHARED, FROM_SHARED, same_key=True)
    [copied] = [c["params"] for c in report["calls"] if c["operation"] == "CopyDBSnapshot"]
    assert copied["SourceDBSnapshotIdentifier"] == SHARED_ARN and copied["KmsKeyId"] == f"{KEY}staging-key"
    [restore] = [c["params"] for c in report["calls"] if c["operation"] == "RestoreDBInstanceFromDBSnapshot"]
    assert restore["DBSnapshotIdentifier"] == copied["TargetDBSnapshotIdentifier"]
    assert by_id(report)["orders-staging"]["KmsKeyId"] == f"{KEY}staging-key"


def test_a_dry_run_names_the_method_and_changes_nothing() -> None:
    report = simulate(OTHER_VPC, {**POINT_IN_TIME, "dry_run": True})
    assert report["status"] == "SUCCEEDED" and mutating_calls(report) == []
    output = report["attempts"][-1]["output"]
    assert output["notes"][0].startswith("Clone method: point_in_time")
    assert output["flight_plan"][0]["op"] == "RestoreDBInstanceToPointInTime"


def without_backups(world: dict[str, Any]) -> dict[str, Any]:
    world = copy.deepcopy(world)
    world["rds"]["instances"][0]["BackupRetentionPeriod"] = 0
    return world


def shared_with(**changes: Any) -> dict[str, Any]:
    world = copy.deepcopy(SHARED)
    world["rds"]["shared_snapshots"][0].update(changes)
    return world


@pytest.mark.parametrize(("world", "clone", "reason"), [
    pytest.param(without_backups(MYSQL_TREE), {"method": "snapshot"},
                 "No available snapshot of 'orders' was found: take one.", id="no-snapshot"),
    pytest.param(without_backups(MYSQL_TREE), {"method": "point_in_time"},
                 "automated backups off: RDS makes neither a read replica of it nor a point-in-time restore",
                 id="point-in-time-without-backups"),
    pytest.param(without_backups(MYSQL_TREE), {"method": "replica"},
                 "automated backups off", id="replica-without-backups"),
    pytest.param(MYSQL_TREE, {"method": "snapshot", "snapshot": "orders-monthly"},
                 "Snapshot 'orders-monthly' was not found", id="named-snapshot-missing"),
    pytest.param(shared_with(Engine="postgres", EngineVersion="16.3"), FROM_SHARED["clone"],
                 "'orders' runs postgres and 'orders-staging' mysql", id="snapshot-of-another-engine"),
    pytest.param(shared_with(KeyShared=False), FROM_SHARED["clone"],
                 "not shared with this account: the production account must share the key too",
                 id="snapshot-key-not-shared"),
    pytest.param(OTHER_VPC, {"method": "replica"},
                 "cannot land in the target's subnet group. Choose the clone method point_in_time or snapshot",
                 id="replica-into-another-vpc"),
])
def test_a_clone_that_cannot_work_is_refused_before_any_change(
        world: dict[str, Any], clone: dict[str, Any], reason: str) -> None:
    report = simulate(world, {**REFRESH, "clone": clone})
    attempt = report["attempts"][-1]
    assert report["status"] == "FAILED" and attempt["error"] == "PlanRefused"
    assert reason in attempt["cause"]
    assert mutating_calls(report) == []
