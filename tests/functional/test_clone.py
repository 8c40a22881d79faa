"""Clone: create temp-<target>, a read replica of the source with the old target's settings (or an Aurora clone of
production's cluster); a retried invocation finds it created and skips."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import MitosisError, TransientAwsError
from mitosis.handlers import clone

from tests.functional.conftest import Calls, FakeLambdaContext, Live, Stub, envelope, not_found, tag_list

TAGS = {"env": "staging", "stack-mitosis:target": "staging", "stack-mitosis:generation": "run-1"}
CLONE = {"op": "CreateDBInstanceReadReplica",
         "request": {"DBInstanceIdentifier": "temp-staging", "SourceDBInstanceIdentifier": "production",
                     "DBInstanceClass": "db.t3.small", "Port": 4000, "Tags": tag_list(TAGS)},
         "expect": {"DBInstanceIdentifier": "temp-staging"}}


@pytest.mark.usefixtures("world")
def test_clone_creates_the_copy_then_a_retry_skips_it(context: FakeLambdaContext, live: Live,
                                                      rds_calls: Calls) -> None:
    # Given production, and no temp-staging yet
    # When Clone runs
    assert clone.handler(envelope(CLONE), context) == {"DBInstanceIdentifier": "temp-staging", "action": "created"}
    # Then the copy exists, replicating from production, with the requested settings and tags
    created = live("temp-staging")
    assert created["ReadReplicaSourceDBInstanceIdentifier"] == "production"
    assert created["DBInstanceClass"] == "db.t3.small"
    assert created["Endpoint"]["Port"] == 4000
    assert created["TagList"] == tag_list(TAGS)
    assert "temp-staging" in live("production")["ReadReplicaDBInstanceIdentifiers"]

    # When a retried invocation runs again
    calls = rds_calls(clone)
    assert clone.handler(envelope(CLONE), context) == {"DBInstanceIdentifier": "temp-staging", "action": "skipped"}
    # Then it only looked
    assert calls == ["DescribeDBInstances"]


@pytest.mark.parametrize(("code", "error_type"), [
    pytest.param("DBInstanceAlreadyExists", "DBInstanceAlreadyExists", id="creation-race"),
    pytest.param("Throttling", "TransientAwsError", id="throttled"),
])
def test_clone_reports_an_aws_error_as_its_error_type(context: FakeLambdaContext, stub: Stub, code: str,
                                                      error_type: str) -> None:
    # Given temp-staging is absent when checked, and RDS refuses the creation (another invocation created it in
    # between, or the call is throttled)
    rds = stub(clone, "rds")
    not_found(rds, "temp-staging")
    rds.add_client_error("create_db_instance_read_replica", service_error_code=code, http_status_code=400,
                         expected_params=CLONE["request"])
    # When Clone runs
    with pytest.raises(MitosisError) as raised:
        clone.handler(envelope(CLONE), context)
    # Then the error type is the one the state machine reacts to: the AWS code (caught, not retried), or the
    # transient error it retries
    assert type(raised.value).__name__ == error_type
    assert isinstance(raised.value, TransientAwsError) is (error_type == "TransientAwsError")


@pytest.mark.parametrize(("op", "request_key"), [
    ("RestoreDBInstanceToPointInTime", "TargetDBInstanceIdentifier"),
    ("RestoreDBInstanceFromDBSnapshot", "DBInstanceIdentifier"),
])
def test_clone_makes_the_copy_the_way_the_plan_says(context: FakeLambdaContext, stub: Stub, op: str,
                                                    request_key: str) -> None:
    # Given a plan whose copy is a restore
    source = ({"SourceDBInstanceIdentifier": "production", "UseLatestRestorableTime": True}
              if op == "RestoreDBInstanceToPointInTime" else {"DBSnapshotIdentifier": "production-weekly"})
    call = {"op": op, "request": {request_key: "temp-staging", **source}, "expect": {"DBInstanceIdentifier":
                                                                                    "temp-staging"}}
    rds = stub(clone, "rds")
    not_found(rds, "temp-staging")
    method = "restore_db_instance_to_point_in_time" if "PointInTime" in op else "restore_db_instance_from_db_snapshot"
    rds.add_response(method, {}, expected_params=call["request"])
    # When Clone runs, it makes that call with the plan's request (the Stubber checks it)
    assert clone.handler(envelope(call), context) == {"DBInstanceIdentifier": "temp-staging", "action": "created"}


CLUSTER_CLONE = {"op": "RestoreDBClusterToPointInTime",
                 "request": {"DBClusterIdentifier": "temp-staging", "SourceDBClusterIdentifier": "production",
                             "RestoreType": "copy-on-write", "UseLatestRestorableTime": True, "Port": 5433,
                             "Tags": tag_list(TAGS)},
                 "expect": {"DBClusterIdentifier": "temp-staging"}}


def test_clone_clones_an_aurora_cluster_then_a_retry_skips_it(context: FakeLambdaContext, create_cluster: Any,
                                                              live_cluster: Live, rds_calls: Calls) -> None:
    # Given production's Aurora cluster, and no temp-staging cluster yet
    create_cluster("production", instances=("production-1",))
    # When Clone runs its clone
    assert clone.handler(envelope(CLUSTER_CLONE), context) == {"DBClusterIdentifier": "temp-staging",
                                                               "action": "created"}
    # Then the clone exists with the requested settings and tags
    created = live_cluster("temp-staging")
    assert created["Port"] == 5433 and created["TagList"] == tag_list(TAGS)
    # When a retried invocation runs again, it only looks (at the cluster, never at an instance of that name)
    calls = rds_calls(clone)
    assert clone.handler(envelope(CLUSTER_CLONE), context) == {"DBClusterIdentifier": "temp-staging",
                                                               "action": "skipped"}
    assert calls == ["DescribeDBClusters"]
