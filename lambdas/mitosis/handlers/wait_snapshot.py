"""Snapshot copy done?: one check that the copy of the snapshot is available; Step Functions retries on
NotReady."""

from mitosis.adapters.rds import Rds
from mitosis.models import SnapshotCopy
from mitosis.runtime import lambda_handler
from mitosis.steps.build import await_snapshot

rds = Rds()


@lambda_handler(SnapshotCopy)
def handler(copy: SnapshotCopy) -> dict[str, str]:
    return await_snapshot(rds, copy)
