"""Create replica: one temp- replica of the new tree, replicating from the copy of its old parent, or one instance of
an Aurora clone; a retried invocation finds it created and skips."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import MitosisError
from mitosis.handlers import create_replica

from tests.functional.conftest import Calls, CreateInstance, FakeLambdaContext, Live, Stub, envelope, not_found

REPLICA = {"op": "CreateDBInstanceReadReplica",
           "request": {"DBInstanceIdentifier": "temp-staging-replica", "SourceDBInstanceIdentifier": "temp-staging",
                       "DBInstanceClass": "db.t3.small", "Tags": [{"Key": "role", "Value": "reporting"}]},
           "expect": {"DBInstanceIdentifier": "temp-staging-replica"}}


def test_create_replica_creates_it_from_its_parent_s_copy_then_a_retry_skips_it(
        context: FakeLambdaContext, create_instance: CreateInstance, live: Live, rds_calls: Calls) -> None:
    # Given the copy of the replica's parent
    create_instance("temp-staging")
    # When Create replica runs
    assert create_replica.handler(envelope(REPLICA), context) == {"DBInstanceIdentifier": "temp-staging-replica",
                                                                  "action": "created"}
    # Then the replica exists, replicating from the copy, with the requested settings
    created = live("temp-staging-replica")
    assert created["ReadReplicaSourceDBInstanceIdentifier"] == "temp-staging"
    assert created["DBInstanceClass"] == "db.t3.small"
    assert created["TagList"] == [{"Key": "role", "Value": "reporting"}]
    assert live("temp-staging")["ReadReplicaDBInstanceIdentifiers"] == ["temp-staging-replica"]

    # When a retried invocation runs again
    calls = rds_calls(create_replica)
    assert create_replica.handler(envelope(REPLICA), context) == {"DBInstanceIdentifier": "temp-staging-replica",
                                                                  "action": "skipped"}
    # Then it only looked
    assert calls == ["DescribeDBInstances"]


def test_create_replica_losing_a_creation_race_fails_as_db_instance_already_exists(context: FakeLambdaContext,
                                                                                   stub: Stub) -> None:
    # Given the replica is absent when checked, but exists when created
    rds = stub(create_replica, "rds")
    not_found(rds, "temp-staging-replica")
    rds.add_client_error("create_db_instance_read_replica", service_error_code="DBInstanceAlreadyExists",
                         http_status_code=400, expected_params=REPLICA["request"])
    # When / Then the error type is the AWS code, which the state machine can catch
    with pytest.raises(MitosisError) as raised:
        create_replica.handler(envelope(REPLICA), context)
    assert type(raised.value).__name__ == "DBInstanceAlreadyExists"


INSTANCE = {"op": "CreateDBInstance",
            "request": {"DBInstanceIdentifier": "temp-staging-1", "DBClusterIdentifier": "temp-staging",
                        "Engine": "aurora-postgresql", "DBInstanceClass": "db.r6g.large", "PromotionTier": 0,
                        "Tags": [{"Key": "role", "Value": "writer"}]},
            "expect": {"DBInstanceIdentifier": "temp-staging-1"}}


def test_create_replica_creates_an_instance_of_the_clone_then_a_retry_skips_it(
        context: FakeLambdaContext, create_cluster: Any, live: Live, rds_calls: Calls) -> None:
    # Given the Aurora clone, without instances
    create_cluster("temp-staging")
    # When Create replica runs for its writer's copy
    assert create_replica.handler(envelope(INSTANCE), context) == {"DBInstanceIdentifier": "temp-staging-1",
                                                                   "action": "created"}
    # Then the instance is the clone's, with the requested settings
    created = live("temp-staging-1")
    assert (created["DBClusterIdentifier"], created["PromotionTier"]) == ("temp-staging", 0)
    assert created["TagList"] == [{"Key": "role", "Value": "writer"}]
    # When a retried invocation runs again, it only looks
    calls = rds_calls(create_replica)
    assert create_replica.handler(envelope(INSTANCE), context)["action"] == "skipped"
    assert calls == ["DescribeDBInstances"]
