"""Promote: detach temp-<target> from the source, turning its backups on in the same call; skipped once promoted."""

from __future__ import annotations

import pytest
from mitosis.errors import TransientAwsError
from mitosis.handlers import promote

from tests.functional.conftest import Calls, CreateInstance, FakeLambdaContext, Live, Stub, described, envelope


def promotion(identifier: str, retention: int) -> dict[str, object]:
    return {"op": "PromoteReadReplica",
            "request": {"DBInstanceIdentifier": identifier, "BackupRetentionPeriod": retention},
            "expect": {"DBInstanceIdentifier": identifier, "promoted": True,
                       "values": {"BackupRetentionPeriod": retention}}}


@pytest.mark.usefixtures("world")
def test_promote_promotes_the_copy_with_its_backups(context: FakeLambdaContext, create_replica: CreateInstance,
                                                    live: Live, rds_calls: Calls) -> None:
    # Given temp-staging replicating from production
    create_replica("temp-staging", "production")
    calls = rds_calls(promote)
    # When Promote runs
    result = promote.handler(envelope(promotion("temp-staging", 3)), context)
    # Then it was promoted, with the backups turned on in the same call
    assert result == {"DBInstanceIdentifier": "temp-staging", "action": "promoted"}
    assert calls == ["DescribeDBInstances", "PromoteReadReplica"]
    assert live("temp-staging")["BackupRetentionPeriod"] == 3


@pytest.mark.usefixtures("world")
def test_promote_skips_an_instance_that_is_already_promoted(context: FakeLambdaContext, rds_calls: Calls,
                                                            live: Live) -> None:
    # Given staging, a standalone instance (as the copy is once a retried invocation finds it promoted)
    calls = rds_calls(promote)
    # When Promote runs on it
    result = promote.handler(envelope(promotion("staging", 9)), context)
    # Then it is skipped without any change
    assert result == {"DBInstanceIdentifier": "staging", "action": "skipped"}
    assert calls == ["DescribeDBInstances"]
    assert live("staging")["BackupRetentionPeriod"] == 3


def test_promote_throttled_surfaces_as_a_transient_error(context: FakeLambdaContext, stub: Stub) -> None:
    # Given AWS throttles the promotion
    rds = stub(promote, "rds")
    rds.add_response("describe_db_instances", described("temp-staging",
                                                        ReadReplicaSourceDBInstanceIdentifier="production"))
    rds.add_client_error("promote_read_replica", service_error_code="Throttling", http_status_code=400)
    # When / Then the error type is the one Step Functions retries
    with pytest.raises(TransientAwsError) as raised:
        promote.handler(envelope(promotion("temp-staging", 3)), context)
    assert type(raised.value).__name__ == "TransientAwsError"
