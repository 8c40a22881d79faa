"""Delete old: delete one instance of the retired old- tree, lifting its deletion protection first; the old primary
(or Aurora cluster, once its instances are being deleted) with a final snapshot, unless it is in a status RDS cannot
snapshot (then without, and the outcome says so)."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import NotReady
from mitosis.handlers import delete_old

from tests.functional.conftest import (
    EXECUTION,
    Calls,
    CreateInstance,
    FakeLambdaContext,
    Live,
    Stub,
    described,
    envelope,
)

SNAPSHOT = f"staging-final-{EXECUTION}"
WITH_SNAPSHOT = {"DBInstanceIdentifier": "old-staging", "FinalDBSnapshotIdentifier": SNAPSHOT}
WITHOUT_SNAPSHOT = {"DBInstanceIdentifier": "old-staging-replica", "SkipFinalSnapshot": True}


def deleted(name: str, action: str = "deleting", final_snapshot: str | None = None,
            note: str | None = None) -> dict[str, Any]:
    return {"DBInstanceIdentifier": name, "action": action, "final_snapshot": final_snapshot, "note": note}


def test_delete_old_takes_the_final_snapshot_it_is_asked_for(context: FakeLambdaContext,
                                                             create_instance: CreateInstance, rds_client: Any,
                                                             live: Live) -> None:
    # Given the retired primary
    create_instance("old-staging")
    # When Delete old runs with a final snapshot
    result = delete_old.handler(envelope(WITH_SNAPSHOT), context)
    # Then the instance is gone, and its snapshot exists; the outcome names it
    assert result == deleted("old-staging", final_snapshot=SNAPSHOT)
    assert live("old-staging") is None
    [snapshot] = rds_client.describe_db_snapshots(DBSnapshotIdentifier=SNAPSHOT)["DBSnapshots"]
    assert snapshot["DBInstanceIdentifier"] == "old-staging"
    assert snapshot["SnapshotType"] == "manual"


def test_delete_old_lifts_deletion_protection_then_deletes(context: FakeLambdaContext,
                                                           create_instance: CreateInstance, rds_client: Any,
                                                           live: Live, rds_calls: Calls) -> None:
    # Given a protected retired replica
    create_instance("old-staging-replica")
    rds_client.modify_db_instance(DBInstanceIdentifier="old-staging-replica", DeletionProtection=True,
                                  ApplyImmediately=True)
    calls = rds_calls(delete_old)
    # When Delete old runs
    assert delete_old.handler(envelope(WITHOUT_SNAPSHOT), context) == deleted("old-staging-replica")
    # Then the protection was lifted first, then the instance deleted
    assert calls == ["DescribeDBInstances", "ModifyDBInstance", "DeleteDBInstance"]
    assert live("old-staging-replica") is None


@pytest.mark.parametrize("deletion", [pytest.param(WITH_SNAPSHOT, id="final-snapshot"),
                                      pytest.param(WITHOUT_SNAPSHOT, id="no-snapshot")])
def test_delete_old_of_an_unprotected_instance_only_deletes_as_planned(context: FakeLambdaContext, stub: Stub,
                                                                       deletion: dict[str, Any]) -> None:
    # Given an unprotected instance (no ModifyDBInstance is scripted)
    name = deletion["DBInstanceIdentifier"]
    rds = stub(delete_old, "rds")
    rds.add_response("describe_db_instances", described(name, DeletionProtection=False),
                     {"DBInstanceIdentifier": name})
    rds.add_response("delete_db_instance", {}, deletion)
    # When / Then Delete old deletes it, with the request as planned
    assert delete_old.handler(envelope(deletion), context) == deleted(
        name, final_snapshot=deletion.get("FinalDBSnapshotIdentifier"))


@pytest.mark.parametrize("status", ["failed", "incompatible-restore", "incompatible-network", "storage-full",
                                    "incompatible-parameters"])
def test_delete_old_deletes_a_stuck_old_primary_without_the_final_snapshot_and_says_so(
        context: FakeLambdaContext, stub: Stub, status: str) -> None:
    # Given the old primary is in a status it does not leave by itself (RDS cannot snapshot it), still protected
    rds = stub(delete_old, "rds")
    rds.add_response("describe_db_instances", described("old-staging", status, DeletionProtection=True),
                     {"DBInstanceIdentifier": "old-staging"})
    rds.add_response("modify_db_instance", {}, {"DBInstanceIdentifier": "old-staging", "DeletionProtection": False,
                                                "ApplyImmediately": True})
    rds.add_response("delete_db_instance", {}, {"DBInstanceIdentifier": "old-staging", "SkipFinalSnapshot": True})
    # When Delete old runs with a final snapshot
    result = delete_old.handler(envelope(WITH_SNAPSHOT), context)
    # Then the protection was lifted and the instance deleted without a final snapshot (not awaited forever), and the
    # outcome's note says which snapshot could not be taken, and why
    assert result == {**deleted("old-staging"), "note": result["note"]}
    assert f"old-staging was {status}" in result["note"]
    assert f"cannot take a final snapshot of it, so it was deleted without {SNAPSHOT}" in result["note"]


@pytest.mark.parametrize("status", ["backing-up", "modifying", "rebooting", "renaming", "creating", "upgrading",
                                    "configuring-enhanced-monitoring"])
@pytest.mark.parametrize("deletion", [pytest.param(WITH_SNAPSHOT, id="final-snapshot"),
                                      pytest.param(WITHOUT_SNAPSHOT, id="no-snapshot")])
def test_delete_old_waits_while_the_instance_is_busy(context: FakeLambdaContext, stub: Stub, status: str,
                                                     deletion: dict[str, Any]) -> None:
    # Given the instance is in a status it leaves by itself, still protected (no modify or delete is scripted)
    name = deletion["DBInstanceIdentifier"]
    stub(delete_old, "rds").add_response("describe_db_instances", described(name, status, DeletionProtection=True))
    # When / Then Delete old asks to be retried, changing nothing
    with pytest.raises(NotReady, match=f"{name} is {status}"):
        delete_old.handler(envelope(deletion), context)


@pytest.mark.parametrize("status", ["available", "storage-optimization"])
def test_delete_old_takes_the_final_snapshot_of_an_instance_that_can_be_snapshotted(
        context: FakeLambdaContext, stub: Stub, status: str) -> None:
    # Given the old primary is available, or optimising its storage (fully operational: it can be snapshotted)
    rds = stub(delete_old, "rds")
    rds.add_response("describe_db_instances", described("old-staging", status))
    rds.add_response("delete_db_instance", {}, WITH_SNAPSHOT)
    # When / Then it is deleted with its final snapshot
    assert delete_old.handler(envelope(WITH_SNAPSHOT), context) == deleted("old-staging", final_snapshot=SNAPSHOT)


def test_delete_old_skips_an_instance_that_is_gone(context: FakeLambdaContext, rds_calls: Calls) -> None:
    calls = rds_calls(delete_old)
    assert delete_old.handler(envelope(WITH_SNAPSHOT), context) == deleted("old-staging", "skipped")
    assert calls == ["DescribeDBInstances"]


def test_delete_old_skips_an_instance_already_being_deleted(context: FakeLambdaContext, stub: Stub) -> None:
    # Given the instance is deleting, still protected as RDS reports it (a retried invocation); nothing else scripted
    stub(delete_old, "rds").add_response("describe_db_instances",
                                         described("old-staging", "deleting", DeletionProtection=True))
    # When / Then it is skipped, without a modify or a second delete
    assert delete_old.handler(envelope(WITH_SNAPSHOT), context) == deleted("old-staging", "skipped")


def test_delete_old_deletes_a_cluster_once_its_instances_are_deleting_with_a_final_cluster_snapshot(
        context: FakeLambdaContext, create_cluster: Any, live_cluster: Live, rds_client: Any) -> None:
    # Given the retired cluster and its instance
    create_cluster("old-staging", instances=("old-staging-1",))
    final = {"DBClusterIdentifier": "old-staging", "FinalDBSnapshotIdentifier": SNAPSHOT}
    # When Delete old runs for the cluster while its instance is not being deleted, it waits
    with pytest.raises(NotReady, match="once its instances are being deleted \\(old-staging-1\\)"):
        delete_old.handler(envelope(final), context)
    # When the instance goes (an Aurora instance takes no snapshot of its own), the cluster goes with a final
    # DB cluster snapshot
    assert delete_old.handler(envelope({"DBInstanceIdentifier": "old-staging-1", "SkipFinalSnapshot": True}),
                              context)["action"] == "deleting"
    assert delete_old.handler(envelope(final), context) == {"DBClusterIdentifier": "old-staging", "action": "deleting",
                                                            "final_snapshot": SNAPSHOT, "note": None}
    assert live_cluster("old-staging") is None
    [snapshot] = rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=SNAPSHOT)["DBClusterSnapshots"]
    assert snapshot["DBClusterIdentifier"] == "old-staging"
