"""Copy snapshot: the snapshot a restore reads, copied first when RDS cannot restore it as it is (shared and
encrypted) or when the copy must be encrypted with the old instance's key."""

from mitosis.adapters.rds import Rds
from mitosis.models import SnapshotCopy
from mitosis.runtime import lambda_handler
from mitosis.steps.build import copy_snapshot

rds = Rds()


@lambda_handler(SnapshotCopy)
def handler(copy: SnapshotCopy) -> dict[str, str]:
    return copy_snapshot(rds, copy)
