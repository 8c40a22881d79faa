"""Prune snapshots by name: keep only the newest snapshots a prefix names (final snapshots of the target's old
primaries, DB cluster snapshots of its old Aurora clusters, copies of a restored snapshot), and nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mitosis.handlers import prune_snapshots

from tests.functional.conftest import Calls, CreateInstance, FakeLambdaContext, Json, Stub, envelope

RETENTION = {"prefix": "staging-final-", "keep": 2}


def test_prune_snapshots_keeps_the_newest_with_the_prefix_and_nothing_else(context: FakeLambdaContext,
                                                                          create_instance: CreateInstance,
                                                                          rds_client: Any) -> None:
    # Given four final snapshots of staging's old primaries, made one after another, and a snapshot of another kind
    create_instance("staging")
    for name in ("staging-final-run-1", "staging-final-run-2", "staging-final-run-3", "staging-final-run-4",
                 "staging-before-upgrade"):
        rds_client.create_db_snapshot(DBSnapshotIdentifier=name, DBInstanceIdentifier="staging")
    # When Prune snapshots by name keeps 2
    result = prune_snapshots.handler(envelope(RETENTION), context)
    # Then the two oldest final snapshots are deleted, and only those
    assert result == {"kept": ["staging-final-run-4", "staging-final-run-3"],
                      "deleted": ["staging-final-run-2", "staging-final-run-1"]}
    left = {s["DBSnapshotIdentifier"] for s in rds_client.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]}
    assert left == {"staging-final-run-3", "staging-final-run-4", "staging-before-upgrade"}


def snapshot(name: str, minute: int | None, status: str = "available") -> Json:
    """A DescribeDBSnapshots entry; a snapshot still being created has no SnapshotCreateTime yet."""
    entry: Json = {"DBSnapshotIdentifier": name, "DBInstanceIdentifier": "old-staging", "SnapshotType": "manual",
                   "Status": status}
    if minute is not None:
        entry["SnapshotCreateTime"] = dt.datetime(2026, 1, 1, 0, minute, tzinfo=dt.UTC)
    return entry


def test_prune_snapshots_orders_by_creation_time_not_by_name(context: FakeLambdaContext, stub: Stub) -> None:
    # Given final snapshots whose names do not sort in the order they were made
    rds = stub(prune_snapshots, "rds")
    rds.add_response("describe_db_snapshots", {"DBSnapshots": [
        snapshot("staging-final-b", 1), snapshot("staging-final-a", 4), snapshot("staging-final-d", 2),
        snapshot("staging-final-c", 3)]}, {"SnapshotType": "manual"})
    for name in ("staging-final-d", "staging-final-b"):
        rds.add_response("delete_db_snapshot", {}, {"DBSnapshotIdentifier": name})
    # When / Then the two oldest are deleted
    assert prune_snapshots.handler(envelope(RETENTION), context) == {
        "kept": ["staging-final-a", "staging-final-c"], "deleted": ["staging-final-d", "staging-final-b"]}


def test_prune_snapshots_keeps_a_snapshot_still_being_created(context: FakeLambdaContext, stub: Stub) -> None:
    # Given a final snapshot still being created (no SnapshotCreateTime yet) among older ones
    rds = stub(prune_snapshots, "rds")
    rds.add_response("describe_db_snapshots", {"DBSnapshots": [
        snapshot("staging-final-run-1", 1), snapshot("staging-final-run-3", None, "creating"),
        snapshot("staging-final-run-2", 2)]}, {"SnapshotType": "manual"})
    rds.add_response("delete_db_snapshot", {}, {"DBSnapshotIdentifier": "staging-final-run-1"})
    # When / Then it counts as the newest: kept, and the oldest is deleted
    assert prune_snapshots.handler(envelope(RETENTION), context) == {
        "kept": ["staging-final-run-3", "staging-final-run-2"], "deleted": ["staging-final-run-1"]}


def test_prune_snapshots_deletes_nothing_while_there_are_no_more_than_it_keeps(context: FakeLambdaContext,
                                                                                create_instance: CreateInstance,
                                                                                rds_client: Any,
                                                                                rds_calls: Calls) -> None:
    # Given a single final snapshot
    create_instance("staging")
    rds_client.create_db_snapshot(DBSnapshotIdentifier="staging-final-run-1", DBInstanceIdentifier="staging")
    calls = rds_calls(prune_snapshots)
    # When / Then it is kept, having only looked
    assert prune_snapshots.handler(envelope(RETENTION), context) == {"kept": ["staging-final-run-1"], "deleted": []}
    assert calls == ["DescribeDBSnapshots"]


def test_prune_snapshots_keeps_the_newest_final_cluster_snapshots(context: FakeLambdaContext, create_cluster: Any,
                                                                  rds_client: Any) -> None:
    # Given three final DB cluster snapshots of staging's old clusters, made one after another, and another one
    create_cluster("staging")
    for name in ("staging-final-run-1", "staging-final-run-2", "staging-final-run-3", "staging-before-upgrade"):
        rds_client.create_db_cluster_snapshot(DBClusterSnapshotIdentifier=name, DBClusterIdentifier="staging")
    # When Prune final snapshots keeps 2 of the cluster's
    result = prune_snapshots.handler(envelope({**RETENTION, "cluster": True}), context)
    # Then the oldest final cluster snapshot is deleted, and only that one
    assert result == {"kept": ["staging-final-run-3", "staging-final-run-2"], "deleted": ["staging-final-run-1"]}
    left = {s["DBClusterSnapshotIdentifier"]
            for s in rds_client.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]}
    assert left == {"staging-final-run-2", "staging-final-run-3", "staging-before-upgrade"}
