"""Prune snapshots by name: keep only the newest snapshots a prefix names (the final snapshots of the target's old
primaries; none of the copies of a snapshot a restore read)."""

from mitosis.adapters.rds import Rds
from mitosis.models import SnapshotRetention
from mitosis.runtime import lambda_handler
from mitosis.steps.cleanup import prune_snapshots

rds = Rds()


@lambda_handler(SnapshotRetention)
def handler(retention: SnapshotRetention) -> dict[str, list[str]]:
    return prune_snapshots(rds, retention)
