"""The swap: renames, their rollback, and the copies' deletion protection once every name is swapped."""

from __future__ import annotations

from mitosis.adapters.rds import Rds
from mitosis.errors import NotReady, RenameRefused, RestoreFailed
from mitosis.models import InstanceRef, Outcome, Rename, Restoration, old_name, protection, temp_name
from mitosis.status import Restore, is_busy, is_copy_of, rename_done, renaming_to, restore_step, state_of


def rename(rds: Rds, step: Rename) -> Outcome:
    """One rename of a name's swap (`<name>` to `old-<name>`, or `temp-<name>` to `<name>`). It renames only the
    instance the plan expects (this refresh's copy, or the old data), tagging it first so a later run still
    recognises it under its new name, and waits (NotReady) while that instance is busy."""
    current_name, new_name = step.rename["DBInstanceIdentifier"], step.rename["NewDBInstanceIdentifier"]
    current, new = rds.describe(current_name), rds.describe(new_name)
    if rename_done(current, new) or (current is not None and renaming_to(current) == new_name):
        return Outcome(DBInstanceIdentifier=new_name, action="skipped")
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
        rds.add_tags(current.DBInstanceArn, [t.model_dump() for t in step.tags])
    rds.modify(step.rename)
    return Outcome(DBInstanceIdentifier=new_name, action="renamed")


def restore_name(rds: Rds, restoration: Restoration) -> Outcome:
    """After a swap that could not complete, one step towards the name being held by an available instance
    again: its old instance when that can serve (rename the copy away, or drop it if it is stuck; then rename
    old-<name> back), else this refresh's copy. NotReady until the name is held, so Step Functions waits."""
    name, generation = restoration.name, restoration.generation
    current, old, temp = rds.describe(name), rds.describe(old_name(name)), rds.describe(temp_name(name))
    step = restore_step(current, old, temp, current_is_copy=current is not None and is_copy_of(current, generation))
    if step is Restore.DONE:
        return Outcome(DBInstanceIdentifier=name, action="restored")
    if step is Restore.LOST:
        raise RestoreFailed(f"No available instance can take '{name}' back: look at '{name}', '{old_name(name)}' "
                            f"and '{temp_name(name)}' (tagged stack-mitosis:*) before running the refresh again.")
    if step is Restore.UNINSTALL:
        rds.modify({"DBInstanceIdentifier": name, "NewDBInstanceIdentifier": temp_name(name), "ApplyImmediately": True})
    elif step is Restore.DROP_COPY:
        if current and current.DeletionProtection:
            rds.modify({"DBInstanceIdentifier": name, "DeletionProtection": False, "ApplyImmediately": True})
        rds.delete({"DBInstanceIdentifier": name, "SkipFinalSnapshot": True})
    elif step is Restore.REINSTATE:
        rds.modify(restoration.reinstate)
    elif step is Restore.INSTALL_COPY:
        rds.modify(restoration.install)
    raise NotReady(f"restoring '{name}': {step.value}")


def protect(rds: Rds, copy: InstanceRef) -> Outcome:
    """A copy takes its old instance's deletion protection once every name is swapped (RDS applies it at once,
    with no status change: the name stays available)."""
    identifier = copy.DBInstanceIdentifier
    instance = rds.describe(identifier)
    if instance is not None and instance.DeletionProtection:
        return Outcome(DBInstanceIdentifier=identifier, action="skipped")
    rds.modify(protection(identifier))
    return Outcome(DBInstanceIdentifier=identifier, action="protected")
