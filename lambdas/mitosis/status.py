"""Pure checks on live state: is an awaited operation done, and is a step already done (so a retry or a re-run
skips it instead of repeating it)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from mitosis.models import TAG_GENERATION

# Statuses RDS leaves by itself. Anything unknown is treated as in progress and bounded by the retry limit.
READY = frozenset({"available"})
STUCK = frozenset({
    "failed", "inaccessible-encryption-credentials", "inaccessible-encryption-credentials-recoverable",
    "incompatible-credentials", "incompatible-network", "incompatible-option-group", "incompatible-parameters",
    "incompatible-restore", "restore-error", "storage-full", "stopped", "stopping",
})


class Readiness(Enum):
    READY = "ready"
    WAIT = "wait"
    STUCK = "stuck"


def readiness(status: str | None) -> Readiness:
    if status in READY:
        return Readiness.READY
    if status in STUCK:
        return Readiness.STUCK
    return Readiness.WAIT


def is_promoted(instance: dict[str, Any]) -> bool:
    return not instance.get("ReadReplicaSourceDBInstanceIdentifier")


def has_retention(instance: dict[str, Any], retention: int) -> bool:
    return instance.get("BackupRetentionPeriod") == retention


def rename_done(old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    """A rename is done when the old name is gone and the new one exists: a repeat would fail or, worse,
    rename whatever holds the old name by then."""
    return old is None and new is not None


# How a restart hook's parts end: an ECS deployment's rolloutState, an SSM invocation's Status.
RESTART_DONE = frozenset({"COMPLETED", "Success"})
RESTART_FAILED = frozenset({"FAILED", "Failed", "TimedOut", "Cancelled", "Cancelling", "Undeliverable",
                            "Terminated", "InvalidPlatform", "AccessDenied", "DeliveryTimedOut", "ExecutionTimedOut"})


def restart_readiness(statuses: list[str]) -> Readiness:
    """Ready when every part succeeded; stuck as soon as one failed; no parts yet means not started yet."""
    if any(s in RESTART_FAILED for s in statuses):
        return Readiness.STUCK
    if statuses and all(s in RESTART_DONE for s in statuses):
        return Readiness.READY
    return Readiness.WAIT


class Restore(Enum):
    """The next step to make a name held by an available instance again, after a swap that could not complete:
    its old instance when it can serve, else this refresh's copy."""

    DONE = "done"
    WAIT = "wait"  # an instance of the name is busy (renaming, deleting...)
    UNINSTALL = "uninstall"  # rename the copy under the name back to temp-<name>
    DROP_COPY = "drop-copy"  # the copy under the name is stuck: delete it (it is ours, and broken)
    REINSTATE = "reinstate"  # rename old-<name> back to <name>
    INSTALL_COPY = "install-copy"  # the old instance cannot serve: rename temp-<name> into place instead
    LOST = "lost"  # no instance can hold the name: a person must look


def restore_step(current: dict[str, Any] | None, old: dict[str, Any] | None, temp: dict[str, Any] | None,
                 current_is_copy: bool) -> Restore:
    """`current` holds the name, `old` is old-<name>, `temp` is temp-<name>; `current_is_copy` when `current` is
    this refresh's copy. Nothing moves while one of them is busy: a name being renamed away stays reserved."""
    def state(instance: dict[str, Any] | None) -> Readiness | None:
        return readiness(instance.get("DBInstanceStatus")) if instance is not None else None

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


def is_copy_of(instance: dict[str, Any], generation: str) -> bool:
    """Whether the instance is a copy made by the refresh of that generation (see the planner's tags)."""
    tags = {t["Key"]: t["Value"] for t in instance.get("TagList") or []}
    return tags.get(TAG_GENERATION) == generation
