"""Copy snapshot: the snapshot a restore reads is copied first when RDS cannot restore it as it is; a retried
invocation (or a re-run) finds the copy and skips."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.handlers import copy_snapshot

from tests.functional.conftest import Calls, CreateInstance, FakeLambdaContext, envelope

COPY = {"DBSnapshotIdentifier": "staging-source-run-1",
        "request": {"SourceDBSnapshotIdentifier": "production-weekly", "TargetDBSnapshotIdentifier":
                    "staging-source-run-1", "Tags": [{"Key": "stack-mitosis:target", "Value": "staging"}]}}


@pytest.fixture
def production_snapshot(create_instance: CreateInstance, rds_client: Any) -> None:
    create_instance("production", retention=7)
    rds_client.create_db_snapshot(DBInstanceIdentifier="production", DBSnapshotIdentifier="production-weekly")


@pytest.mark.usefixtures("production_snapshot")
def test_copy_snapshot_copies_then_a_retry_skips(context: FakeLambdaContext, rds_client: Any,
                                                rds_calls: Calls) -> None:
    # When Copy snapshot runs
    assert copy_snapshot.handler(envelope(COPY), context) == {"DBSnapshotIdentifier": "staging-source-run-1",
                                                              "action": "copying"}
    # Then the copy exists, tagged for the target (so a later run recognises it)
    copied = rds_client.describe_db_snapshots(DBSnapshotIdentifier="staging-source-run-1")["DBSnapshots"][0]
    assert copied["DBInstanceIdentifier"] == "production"
    tags = rds_client.list_tags_for_resource(ResourceName=copied["DBSnapshotArn"])["TagList"]
    assert {"Key": "stack-mitosis:target", "Value": "staging"} in tags
    # When a retried invocation runs again, it only looks
    calls = rds_calls(copy_snapshot)
    assert copy_snapshot.handler(envelope(COPY), context)["action"] == "skipped"
    assert calls == ["DescribeDBSnapshots"]
