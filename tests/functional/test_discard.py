"""Discard copy: delete a copy of ours (an instance, or an Aurora clone) that cannot become part of this refresh
(broken, stale or orphaned), lifting its deletion protection first, without a final snapshot."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import NotReady
from mitosis.handlers import discard

from tests.functional.conftest import Calls, CreateInstance, FakeLambdaContext, Live, Stub, described, envelope

DISCARD = {"DBInstanceIdentifier": "temp-staging", "SkipFinalSnapshot": True}


def deleted(action: str = "deleting") -> dict[str, Any]:
    return {"DBInstanceIdentifier": "temp-staging", "action": action, "final_snapshot": None, "note": None}


def test_discard_lifts_deletion_protection_then_deletes(context: FakeLambdaContext, create_instance: CreateInstance,
                                                        rds_client: Any, live: Live, rds_calls: Calls) -> None:
    # Given a protected copy (a copy keeps the protection of what it copied)
    create_instance("temp-staging")
    rds_client.modify_db_instance(DBInstanceIdentifier="temp-staging", DeletionProtection=True, ApplyImmediately=True)
    calls = rds_calls(discard)
    # When Discard copy runs
    assert discard.handler(envelope(DISCARD), context) == deleted()
    # Then the protection was lifted first, then the copy deleted
    assert calls == ["DescribeDBInstances", "ModifyDBInstance", "DeleteDBInstance"]
    assert live("temp-staging") is None


def test_discard_of_an_unprotected_copy_only_deletes(context: FakeLambdaContext, stub: Stub) -> None:
    # Given an unprotected copy (no ModifyDBInstance is scripted)
    rds = stub(discard, "rds")
    rds.add_response("describe_db_instances", described("temp-staging", DeletionProtection=False),
                     {"DBInstanceIdentifier": "temp-staging"})
    rds.add_response("delete_db_instance", {}, DISCARD)
    # When / Then Discard copy deletes it, with the request as planned
    assert discard.handler(envelope(DISCARD), context) == deleted()


@pytest.mark.parametrize("status", ["failed", "incompatible-restore", "incompatible-parameters", "storage-full",
                                    "inaccessible-encryption-credentials"])
def test_discard_deletes_a_stuck_copy_at_once(context: FakeLambdaContext, stub: Stub, status: str) -> None:
    # Given a broken, protected copy in a status it does not leave by itself
    rds = stub(discard, "rds")
    rds.add_response("describe_db_instances", described("temp-staging", status, DeletionProtection=True))
    rds.add_response("modify_db_instance", {}, {"DBInstanceIdentifier": "temp-staging", "DeletionProtection": False,
                                                "ApplyImmediately": True})
    rds.add_response("delete_db_instance", {}, DISCARD)
    # When / Then Discard copy lifts the protection and deletes it, without waiting for a status that never comes
    assert discard.handler(envelope(DISCARD), context) == deleted()


@pytest.mark.parametrize("status", ["creating", "modifying", "backing-up", "rebooting", "renaming"])
def test_discard_waits_while_the_copy_is_busy(context: FakeLambdaContext, stub: Stub, status: str) -> None:
    # Given the copy is in a status it leaves by itself (no modify or delete is scripted)
    stub(discard, "rds").add_response("describe_db_instances",
                                      described("temp-staging", status, DeletionProtection=True))
    # When / Then Discard copy asks to be retried, changing nothing
    with pytest.raises(NotReady, match=f"temp-staging is {status}"):
        discard.handler(envelope(DISCARD), context)


def test_discard_skips_a_copy_that_is_gone(context: FakeLambdaContext, rds_calls: Calls) -> None:
    calls = rds_calls(discard)
    assert discard.handler(envelope(DISCARD), context) == deleted("skipped")
    assert calls == ["DescribeDBInstances"]


def test_discard_skips_a_copy_already_being_deleted(context: FakeLambdaContext, stub: Stub) -> None:
    # Given the copy is deleting, still protected as RDS reports it (a retried invocation); nothing else scripted
    stub(discard, "rds").add_response("describe_db_instances",
                                      described("temp-staging", "deleting", DeletionProtection=True))
    # When / Then it is skipped, without a modify or a second delete
    assert discard.handler(envelope(DISCARD), context) == deleted("skipped")


def test_discard_deletes_a_failed_clone_without_a_snapshot(context: FakeLambdaContext, create_cluster: Any,
                                                           live_cluster: Live) -> None:
    # Given a clone of ours without instances (they were discarded with it)
    create_cluster("temp-staging")
    # When Discard copy runs for it
    result = discard.handler(envelope({"DBClusterIdentifier": "temp-staging", "SkipFinalSnapshot": True}), context)
    # Then it is deleted, without a final snapshot
    assert result == {"DBClusterIdentifier": "temp-staging", "action": "deleting", "final_snapshot": None,
                      "note": None}
    assert live_cluster("temp-staging") is None
