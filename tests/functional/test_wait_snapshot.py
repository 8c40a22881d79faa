"""Snapshot copy done?: ready once the copy is available, NotReady while it is copied or not listed yet."""

from __future__ import annotations

import pytest
from mitosis.errors import NotReady
from mitosis.handlers import wait_snapshot

from tests.functional.conftest import FakeLambdaContext, Stub, envelope

COPY = {"DBSnapshotIdentifier": "staging-source-run-1", "request": {}}


def snapshot(status: str) -> dict[str, object]:
    return {"DBSnapshots": [{"DBSnapshotIdentifier": "staging-source-run-1", "Status": status,
                             "DBInstanceIdentifier": "production"}]}


def test_wait_snapshot_is_ready_once_the_copy_is_available(context: FakeLambdaContext, stub: Stub) -> None:
    stub(wait_snapshot, "rds").add_response("describe_db_snapshots", snapshot("available"),
                                            {"DBSnapshotIdentifier": "staging-source-run-1"})
    assert wait_snapshot.handler(envelope(COPY), context)["action"] == "ready"


@pytest.mark.parametrize("status", ["creating", "copying", "pending"])
def test_wait_snapshot_waits_while_the_copy_is_made(context: FakeLambdaContext, stub: Stub, status: str) -> None:
    stub(wait_snapshot, "rds").add_response("describe_db_snapshots", snapshot(status),
                                            {"DBSnapshotIdentifier": "staging-source-run-1"})
    with pytest.raises(NotReady, match=status):
        wait_snapshot.handler(envelope(COPY), context)


def test_wait_snapshot_waits_for_a_copy_not_listed_yet(context: FakeLambdaContext, stub: Stub) -> None:
    stub(wait_snapshot, "rds").add_client_error("describe_db_snapshots", service_error_code="DBSnapshotNotFound",
                                                http_status_code=404)
    with pytest.raises(NotReady, match="not there yet"):
        wait_snapshot.handler(envelope(COPY), context)
