"""The swap: renames, their rollback, and the copies' deletion protection once every name is swapped. A name is an
instance's or an Aurora cluster's (its requests name DBClusterIdentifier): both swap the same way."""

from __future__ import annotations

from mitosis.adapters.rds import Rds
from mitosis.errors import NotReady, RenameRefused, RestoreFailed
from mitosis.models import (
    DBCluster,
    InstanceRef,
    Outcome,
    Rename,
    Restoration,
    identifier_key,
    is_cluster_request,
    old_name,
    protection,
    renamed,
    temp_name,
)
from mitosis.status import Restore, is_busy, is_copy_of, rename_done, renaming_to, restore_step, state_of


def rename(rds: Rds, step: Rename) -> Outcome:
    """One rename of a name's swap (`<name>` to `old-<name>`, or `temp-<name>` to `<name>`). It renames only the
    instance (or cluster) the plan expects (this refresh's copy, or the old data), tagging it first so a later run
    still recognises it under its new name, and waits (NotReady) while it is busy."""
    cluster = is_cluster_request(step.rename)
    current_name, new_name = renamed(step.rename)
    current, new = rds.find(InstanceRef.to(current_name, cluster)), rds.find(InstanceRef.to(new_name, cluster))
    done = Outcome(**{identifier_key(cluster): new_name}, action="skipped")
    if rename_done(current, new) or (current is not None and renaming_to(current) == new_name):
        return done
    if current is None or is_copy_of(current, step.generation) != step.is_copy:
        expected = "this refresh's copy" if step.is_copy else "the old instance"
        raise RenameRefused(f"'{current_name}' is not {expected} (generation {step.generation}): not renaming it "
                            f"to '{new_name}'.")
    if is_busy(current):
        raise NotReady(f"{current_name} is {state_of(current)}: renaming it once it is free")
    retiring = rds.describe(old_name(new_name)) if step.is_copy else None
    if retiring is not None and retiring.DBInstanceStatus == "renaming":
        # RDS holds the old name until that rename is over (DBInstanceAlreadyExists before): a run started
        # while the old instance was still being renamed waits for it, as the swap's own check would have
        raise NotReady(f"{old_name(new_name)} is still renaming: '{new_name}' is free once it is done")
    if step.tags:
        arn = current.DBClusterArn if isinstance(current, DBCluster) else current.DBInstanceArn
        rds.add_tags(arn, [t.model_dump() for t in step.tags])
    rds.modify(step.rename)
    return done.model_copy(update={"action": "renamed"})


def restore_name(rds: Rds, restoration: Restoration) -> Outcome:
    """After a swap that could not complete, one step towards the name being held by an available instance (or
    cluster) again: its old one when that can serve (rename the copy away, or drop it if it is stuck; then rename
    old-<name> back), else this refresh's copy. NotReady until the name is held, so Step Functions waits."""
    name, generation = restoration.name, restoration.generation
    cluster = is_cluster_request(restoration.reinstate)
    key = identifier_key(cluster)
    current, old, temp = (rds.find(InstanceRef.to(n, cluster)) for n in (name, old_name(name), temp_name(name)))
    step = restore_step(current, old, temp, current_is_copy=current is not None and is_copy_of(current, generation))
    if step is Restore.DONE:
        return Outcome(**{key: name}, action="restored")
    if step is Restore.LOST or (step is Restore.DROP_COPY and cluster):
        # A cluster's copy stuck under the name could only be deleted after its instances: a person must look.
        raise RestoreFailed(f"No available instance can take '{name}' back: look at '{name}', '{old_name(name)}' "
                            f"and '{temp_name(name)}' (tagged stack-mitosis:*) before running the refresh again.")
    if step is Restore.UNINSTALL:
        rds.modify({key: name, f"New{key}": temp_name(name), "ApplyImmediately": True})
    elif step is Restore.DROP_COPY:
        if current and current.DeletionProtection:
            rds.modify({key: name, "DeletionProtection": False, "ApplyImmediately": True})
        rds.delete({key: name, "SkipFinalSnapshot": True})
    elif step is Restore.REINSTATE:
        rds.modify(restoration.reinstate)
    elif step is Restore.INSTALL_COPY:
        rds.modify(restoration.install)
    raise NotReady(f"restoring '{name}': {step.value}")


def protect(rds: Rds, copy: InstanceRef) -> Outcome:
    """A copy takes its old instance's (or cluster's) deletion protection once every name is swapped (RDS applies it
    at once, with no status change: the name stays available)."""
    resource = rds.find(copy)
    named = {identifier_key(copy.cluster): copy.identifier}
    if resource is not None and resource.DeletionProtection:
        return Outcome(**named, action="skipped")
    rds.modify(protection(copy))
    return Outcome(**named, action="protected")
