"""Deleting: broken copies (discard), the retired old- tree (an Aurora cluster after its instances), and final
snapshots beyond the newest few."""

from __future__ import annotations

from mitosis.adapters.rds import Rds
from mitosis.errors import NotReady
from mitosis.models import DBCluster, Deleted, Deletion, InstanceRef, Outcome, SnapshotRetention, identifier_key
from mitosis.status import NO_FINAL_SNAPSHOT, STUCK, Readiness, readiness

# A final snapshot is taken of an instance in these (CreateDBSnapshot: "The source DB instance must be in the
# available or storage-optimization state"); in any other status that passes by itself, the delete waits.
DELETABLE = frozenset({"available", "storage-optimization"})


def delete(rds: Rds, deletion: Deletion) -> Deleted:
    """DeleteDBInstance of an instance the workflow owns (retired by it, or its own copy), lifting the
    deletion protection it kept from what it replaced or copied. A final snapshot needs an instance that can
    be snapshotted: one stuck in a failed status is deleted without it, and the outcome says so.

    An Aurora cluster (DeleteDBCluster) is deleted once its instances are being deleted (the plan deletes them at
    the same time): "you call ... DeleteDBCluster ... when the cluster has zero associated DB instances" ("As soon
    as the DB instance goes into deleting state, we can delete the cluster also", Aurora User Guide, "Deleting
    Aurora DB clusters and DB instances")."""
    identifier = deletion.identifier
    resource = rds.find(deletion)
    named = {identifier_key(deletion.cluster): identifier}
    if resource is None or resource.status == "deleting":
        return Deleted(**named, action="skipped")
    if isinstance(resource, DBCluster):
        living = [i.DBInstanceIdentifier for i in rds.cluster_instances(identifier) if i.DBInstanceStatus != "deleting"]
        if living:
            raise NotReady(f"{identifier}: deleting it once its instances are being deleted ({', '.join(living)})")
    request, note = deletion, None
    if deletion.FinalDBSnapshotIdentifier and resource.status in STUCK | NO_FINAL_SNAPSHOT:
        request = Deletion(**named, SkipFinalSnapshot=True)
        note = (f"{identifier} was {resource.status}: RDS cannot take a final snapshot of it, so it was "
                f"deleted without {deletion.FinalDBSnapshotIdentifier}.")
    elif readiness(resource.status, DELETABLE) is Readiness.WAIT:
        raise NotReady(f"{identifier} is {resource.status}: deleting it once it is available")
    if resource.DeletionProtection:
        rds.modify({**named, "DeletionProtection": False, "ApplyImmediately": True})
    rds.delete(request.request())
    return Deleted(**named, action="deleting", final_snapshot=request.FinalDBSnapshotIdentifier, note=note)


def await_deleted(rds: Rds, ref: InstanceRef) -> Outcome:
    resource = rds.find(ref)
    if resource is not None:
        raise NotReady(f"{ref.identifier} is {resource.status}")
    return Outcome(**{identifier_key(ref.cluster): ref.identifier}, action="deleted")


def prune_snapshots(rds: Rds, retention: SnapshotRetention) -> dict[str, list[str]]:
    """Keep only the newest final snapshots of the target's old primaries (or old clusters: DB cluster
    snapshots)."""
    if retention.cluster:
        snapshots = [s["DBClusterSnapshotIdentifier"] for s in rds.cluster_snapshots_named(retention.prefix)]
    else:
        snapshots = [s["DBSnapshotIdentifier"] for s in rds.snapshots_named(retention.prefix)]
    for identifier in snapshots[retention.keep:]:
        if retention.cluster:
            rds.delete_cluster_snapshot(identifier)
        else:
            rds.delete_snapshot(identifier)
    return {"kept": snapshots[:retention.keep], "deleted": snapshots[retention.keep:]}
