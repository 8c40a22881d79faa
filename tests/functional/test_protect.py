"""Protect copy: once every name is swapped, a copy takes the deletion protection its old instance (or Aurora cluster)
had (applied at once, the name stays available); skipped when it has it."""

from __future__ import annotations

from typing import Any

from mitosis.handlers import protect

from tests.functional.conftest import (
    Calls,
    CreateInstance,
    FakeLambdaContext,
    Live,
    Requests,
    Stub,
    described,
    envelope,
)

COPY = {"DBInstanceIdentifier": "staging"}


def test_protect_gives_the_copy_deletion_protection_then_a_retry_skips(context: FakeLambdaContext,
                                                                       create_instance: CreateInstance, live: Live,
                                                                       rds_requests: Requests,
                                                                       rds_calls: Calls) -> None:
    # Given the copy under its name, unprotected
    create_instance("staging")
    requests = rds_requests(protect)
    # When Protect copy runs
    assert protect.handler(envelope(COPY), context) == {"DBInstanceIdentifier": "staging", "action": "protected"}
    # Then the copy is protected, applied at once
    assert requests == [("DescribeDBInstances", COPY), ("ModifyDBInstance", {
        "DBInstanceIdentifier": "staging", "DeletionProtection": True, "ApplyImmediately": True})]
    assert live("staging")["DeletionProtection"] is True

    # When a retried invocation runs
    calls = rds_calls(protect)
    assert protect.handler(envelope(COPY), context) == {"DBInstanceIdentifier": "staging", "action": "skipped"}
    # Then it only looked
    assert calls == ["DescribeDBInstances"]


def test_protect_skips_a_copy_that_is_protected(context: FakeLambdaContext, stub: Stub) -> None:
    # Given the copy is protected already (no modify is scripted)
    stub(protect, "rds").add_response("describe_db_instances", described("staging", DeletionProtection=True),
                                      {"DBInstanceIdentifier": "staging"})
    # When / Then Protect copy is skipped
    assert protect.handler(envelope(COPY), context) == {"DBInstanceIdentifier": "staging", "action": "skipped"}


def test_protect_gives_a_cluster_copy_its_deletion_protection(context: FakeLambdaContext, create_cluster: Any,
                                                              live_cluster: Live, rds_requests: Requests) -> None:
    # Given the clone under the cluster's name, unprotected
    create_cluster("staging")
    requests = rds_requests(protect)
    # When Protect copy runs for the cluster
    assert protect.handler(envelope({"DBClusterIdentifier": "staging"}), context) == {
        "DBClusterIdentifier": "staging", "action": "protected"}
    # Then the cluster is protected, by ModifyDBCluster
    assert requests[-1] == ("ModifyDBCluster", {"DBClusterIdentifier": "staging", "DeletionProtection": True,
                                                "ApplyImmediately": True})
    assert live_cluster("staging")["DeletionProtection"] is True
