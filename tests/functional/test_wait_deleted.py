"""Discard done? / Delete done?: one look at whether the instance (or cluster) is gone; NotReady while it exists."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import NotReady
from mitosis.handlers import wait_deleted

from tests.functional.conftest import CreateInstance, FakeLambdaContext, Stub, described, envelope

OLD = {"DBInstanceIdentifier": "old-staging"}


def test_wait_deleted_returns_once_the_instance_is_gone(context: FakeLambdaContext) -> None:
    # Given no instance named old-staging
    # When / Then the check is over
    assert wait_deleted.handler(envelope(OLD), context) == {"DBInstanceIdentifier": "old-staging",
                                                            "action": "deleted"}


def test_wait_deleted_is_not_ready_while_the_instance_exists(context: FakeLambdaContext,
                                                             create_instance: CreateInstance) -> None:
    # Given the instance still exists
    create_instance("old-staging")
    # When / Then the check asks to be retried, naming it
    with pytest.raises(NotReady, match="old-staging is available"):
        wait_deleted.handler(envelope(OLD), context)


def test_wait_deleted_is_not_ready_while_the_instance_is_being_deleted(context: FakeLambdaContext,
                                                                       stub: Stub) -> None:
    # Given the instance is being deleted
    stub(wait_deleted, "rds").add_response("describe_db_instances", described("old-staging", "deleting"),
                                           {"DBInstanceIdentifier": "old-staging"})
    # When / Then the check asks to be retried
    with pytest.raises(NotReady, match="old-staging is deleting"):
        wait_deleted.handler(envelope(OLD), context)


def test_wait_deleted_waits_for_a_cluster_to_be_gone(context: FakeLambdaContext, create_cluster: Any,
                                                     rds_client: Any) -> None:
    # Given the old cluster, still there
    create_cluster("old-staging")
    ref = envelope({"DBClusterIdentifier": "old-staging"})
    with pytest.raises(NotReady, match="old-staging is"):
        wait_deleted.handler(ref, context)
    # When it is gone, the check returns
    rds_client.delete_db_cluster(DBClusterIdentifier="old-staging", SkipFinalSnapshot=True)
    assert wait_deleted.handler(ref, context) == {"DBClusterIdentifier": "old-staging", "action": "deleted"}
