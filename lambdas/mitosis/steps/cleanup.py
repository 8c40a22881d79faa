"""Deleting: broken copies (discard), the retired old- tree, and final snapshots beyond the newest few."""

from __future__ import annotations

from mitosis.adapters.rds import Rds
from mitosis.errors import NotReady
from mitosis.models import Deleted, Deletion, InstanceRef, Outcome, SnapshotRetention
from mitosis.status import NO_FINAL_SNAPSHOT, STUCK, Readiness, readiness

# A final snapshot is taken of an instance in these (CreateDBSnapshot: "The source DB instance must be in the
# available or storage-optimization state"); in any other status that passes by itself, the delete waits.
DELETABLE = frozenset({"available", "storage-optimization"})


def delete(rds: Rds, deletion: Deletion) -> Deleted:
    """DeleteDBInstance of an instance the workflow owns (retired by it, or its own copy), lifting the
    deletion protection it kept from what it replaced or copied. A final snapshot needs an instance that can
    be snapshotted: one stuck in a failed status is deleted without it, and the outcome says so."""
    identifier = deletion.DBInstanceIdentifier
    instance = rds.describe(identifier)
    if instance is None or instance.DBInstanceStatus == "deleting":
        return Deleted(DBInstanceIdentifier=identifier, action="skipped")
    request, note = deletion, None
    if deletion.FinalDBSnapshotIdentifier and instance.DBInstanceStatus in STUCK | NO_FINAL_SNAPSHOT:
        request = Deletion(DBInstanceIdentifier=identifier, SkipFinalSnapshot=True)
        note = (f"{identifier} was {instance.DBInstanceStatus}: RDS cannot take a final snapshot of it, so it was "
                f"deleted without {deletion.FinalDBSnapshotIdentifier}.")
    elif readiness(instance.DBInstanceStatus, DELETABLE) is Readiness.WAIT:
        raise NotReady(f"{identifier} is {instance.DBInstanceStatus}: deleting it once it is available")
    if instance.DeletionProtection:
        rds.modify({"DBInstanceIdentifier": identifier, "DeletionProtection": False, "ApplyImmediately": True})
    rds.delete(request.request())
    return Deleted(DBInstanceIdentifier=identifier, action="deleting",
                   final_snapshot=request.FinalDBSnapshotIdentifier, note=note)


def await_deleted(rds: Rds, ref: InstanceRef) -> Outcome:
    instance = rds.describe(ref.DBInstanceIdentifier)
    if instance is not None:
        raise NotReady(f"{ref.DBInstanceIdentifier} is {instance.DBInstanceStatus}")
    return Outcome(DBInstanceIdentifier=ref.DBInstanceIdentifier, action="deleted")


def prune_snapshots(rds: Rds, retention: SnapshotRetention) -> dict[str, list[str]]:
    """Keep only the newest final snapshots of the target's old primaries."""
    snapshots = [s["DBSnapshotIdentifier"] for s in rds.snapshots_named(retention.prefix)]
    for identifier in snapshots[retention.keep:]:
        rds.delete_snapshot(identifier)
    return {"kept": snapshots[:retention.keep], "deleted": snapshots[retention.keep:]}
