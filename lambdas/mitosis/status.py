"""Pure checks on live state: is an awaited operation done, and is a step already done (so a retry or a re-run
skips it instead of repeating it)."""

from __future__ import annotations

from collections.abc import Collection
from enum import Enum

from mitosis.models import TAG_GENERATION, DBInstance, Expectation

READY = frozenset({"available"})

# Statuses RDS does not leave by itself (the User Guide's DB instance status table). Anything unknown is
# treated as in progress and bounded by the polling timeout.
STUCK = frozenset({
    "failed", "inaccessible-encryption-credentials", "inaccessible-encryption-credentials-recoverable",
    "incompatible-credentials", "incompatible-network", "incompatible-option-group", "incompatible-parameters",
    "incompatible-restore", "restore-error", "storage-full", "stopped", "stopping", "insufficient-capacity",
})
# A final snapshot cannot be taken of an instance in these statuses: DeleteDBInstance's documentation says it
# "can only delete it when skipping creation of the final snapshot with the SkipFinalSnapshot parameter".
NO_FINAL_SNAPSHOT = frozenset({"failed", "incompatible-restore", "incompatible-network"})


class Readiness(Enum):
    READY = "ready"
    WAIT = "wait"
    STUCK = "stuck"


def readiness(status: str | None, ready: Collection[str] = READY) -> Readiness:
    if status in ready:
        return Readiness.READY
    if status in STUCK:
        return Readiness.STUCK
    return Readiness.WAIT


def renaming_to(instance: DBInstance) -> str | None:
    """The identifier a rename that RDS has accepted but not started yet will give the instance."""
    pending = instance.PendingModifiedValues.get("DBInstanceIdentifier")
    return str(pending) if pending else None


def is_busy(instance: DBInstance) -> bool:
    """Whether the instance is in the middle of something: not available, or a rename is pending."""
    return instance.DBInstanceStatus != "available" or renaming_to(instance) is not None


def state_of(instance: DBInstance | None) -> str:
    """What an instance is doing, for a person: its status, a rename or changes RDS has accepted but not
    started, a parameter group not in sync."""
    if instance is None:
        return "does not exist yet"
    parts = [instance.DBInstanceStatus]
    if renaming_to(instance):
        parts.append(f"pending rename to {renaming_to(instance)}")
    others = sorted(key for key in instance.PendingModifiedValues if key != "DBInstanceIdentifier")
    if others:
        parts.append(f"pending {', '.join(others)}")
    group = instance.parameter_group
    if group is not None and group.ParameterApplyStatus != "in-sync":
        parts.append(f"parameter group {group.DBParameterGroupName} {group.ParameterApplyStatus}")
    return ", ".join(parts)


def progress(instance: DBInstance | None, expect: Expectation) -> Readiness:
    """How far the awaited result is: READY once the instance is in a ready status with every expected result
    in effect; STUCK when it is in a status it will not leave by itself; WAIT otherwise (a new name not there
    yet, a modification still pending...)."""
    if instance is None:
        return Readiness.WAIT
    state = readiness(instance.DBInstanceStatus, expect.ready)
    if state is not Readiness.READY:
        return state
    group = instance.parameter_group
    if expect.parameter_group and group is not None and group.ParameterApplyStatus == "failed-to-apply":
        return Readiness.STUCK  # "The parameter group is in an invalid state" (DBParameterGroupStatus)
    done = (
        not any(key in instance.PendingModifiedValues for key in expect.settled)
        and all(getattr(instance, key, None) == value for key, value in expect.values.items())
        and (not expect.promoted or instance.ReadReplicaSourceDBInstanceIdentifier is None)
        and (expect.parameter_group is None or (group is not None and group.DBParameterGroupName ==
                                                 expect.parameter_group and group.ParameterApplyStatus != "applying"))
        and (not expect.parameters_in_sync or (group is not None and group.ParameterApplyStatus == "in-sync"))
    )
    return Readiness.READY if done else Readiness.WAIT


def rename_done(current: DBInstance | None, new: DBInstance | None) -> bool:
    """A rename is done when the old name is gone and the new one exists: a repeat would fail or, worse,
    rename whatever holds the old name by then."""
    return current is None and new is not None


def is_copy_of(instance: DBInstance, generation: str) -> bool:
    """Whether the instance is a copy made by the refresh of that generation (see the planner's tags)."""
    return instance.tag(TAG_GENERATION) == generation


# How a hook's parts end: an ECS deployment's or task's outcome, an SSM invocation's Status (the
# CommandInvocationStatus values of the SSM API reference: Pending, InProgress, Delayed, Success, Cancelled,
# TimedOut, Failed, Cancelling).
HOOK_DONE = frozenset({"COMPLETED", "Success"})
HOOK_FAILED = frozenset({"FAILED", "Failed", "TimedOut", "Cancelled", "Cancelling", "Undeliverable",
                         "Terminated", "InvalidPlatform", "AccessDenied", "DeliveryTimedOut", "ExecutionTimedOut"})


def hook_readiness(statuses: list[str]) -> Readiness:
    """Ready when every part succeeded; stuck as soon as one failed; no parts yet means not started yet."""
    if any(s in HOOK_FAILED for s in statuses):
        return Readiness.STUCK
    if statuses and all(s in HOOK_DONE for s in statuses):
        return Readiness.READY
    return Readiness.WAIT


class Restore(Enum):
    """The next step to make a name held by an available instance again, after a swap that could not complete:
    its old instance when it can serve, else this refresh's copy."""

    DONE = "done"
    WAIT = "wait"  # an instance of the name is busy (renaming, deleting, a rename pending...)
    UNINSTALL = "uninstall"  # rename the copy under the name back to temp-<name>
    DROP_COPY = "drop-copy"  # the copy under the name is stuck: delete it (it is ours, and broken)
    REINSTATE = "reinstate"  # rename old-<name> back to <name>
    INSTALL_COPY = "install-copy"  # the old instance cannot serve: rename temp-<name> into place instead
    LOST = "lost"  # no instance can hold the name: a person must look


def restore_step(current: DBInstance | None, old: DBInstance | None, temp: DBInstance | None,
                 current_is_copy: bool) -> Restore:
    """`current` holds the name, `old` is old-<name>, `temp` is temp-<name>; `current_is_copy` when `current` is
    this refresh's copy. Nothing moves while one of them is busy: a name being renamed away stays reserved."""
    def state(instance: DBInstance | None) -> Readiness | None:
        if instance is None:
            return None
        if renaming_to(instance):
            return Readiness.WAIT
        return readiness(instance.DBInstanceStatus)

    if Readiness.WAIT in (state(current), state(old), state(temp)):
        return Restore.WAIT
    if state(old) is Readiness.READY:
        if current is None:
            return Restore.REINSTATE
        if not current_is_copy:
            return Restore.LOST  # old data under both names: not something this workflow does
        return Restore.DROP_COPY if state(current) is Readiness.STUCK else Restore.UNINSTALL
    if state(current) is Readiness.READY:
        return Restore.DONE
    if current is None and state(temp) is Readiness.READY:
        return Restore.INSTALL_COPY
    return Restore.LOST
