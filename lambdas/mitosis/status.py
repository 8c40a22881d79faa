"""Pure checks on live state: is an awaited operation done, and is a step already done (so a retry or a re-run
skips it instead of repeating it). Each check reads an instance or an Aurora cluster alike (`Resource`)."""

from __future__ import annotations

from collections.abc import Collection
from enum import Enum

from mitosis.models import TAG_GENERATION, DBCluster, DBInstance, Expectation

Resource = DBInstance | DBCluster

READY = frozenset({"available"})

# Statuses RDS does not leave by itself (the User Guide's DB instance status table, and its DB cluster status
# table: "cloning-failed", "migration-failed"). Anything unknown is treated as in progress and bounded by the
# polling timeout.
STUCK = frozenset({
    "failed", "inaccessible-encryption-credentials", "inaccessible-encryption-credentials-recoverable",
    "incompatible-credentials", "incompatible-network", "incompatible-option-group", "incompatible-parameters",
    "incompatible-restore", "restore-error", "storage-full", "stopped", "stopping", "insufficient-capacity",
    "cloning-failed", "migration-failed",
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


def renaming_to(resource: Resource) -> str | None:
    """The identifier a rename that RDS has accepted but not started yet will give the instance (or cluster)."""
    pending = resource.PendingModifiedValues.get(resource.IDENTIFIER)
    return str(pending) if pending else None


def is_busy(resource: Resource) -> bool:
    """Whether the instance (or cluster) is in the middle of something: not available, or a rename is pending."""
    return resource.status != "available" or renaming_to(resource) is not None


def state_of(resource: Resource | None) -> str:
    """What an instance (or cluster) is doing, for a person: its status, a rename or changes RDS has accepted but
    not started, a parameter group not in sync."""
    if resource is None:
        return "does not exist yet"
    parts = [resource.status]
    if renaming_to(resource):
        parts.append(f"pending rename to {renaming_to(resource)}")
    others = sorted(key for key in resource.PendingModifiedValues if key != resource.IDENTIFIER)
    if others:
        parts.append(f"pending {', '.join(others)}")
    group = resource.parameter_group if isinstance(resource, DBInstance) else None
    if group is not None and group.ParameterApplyStatus != "in-sync":
        parts.append(f"parameter group {group.DBParameterGroupName} {group.ParameterApplyStatus}")
    return ", ".join(parts)


def progress(resource: Resource | None, expect: Expectation) -> Readiness:
    """How far the awaited result is: READY once the instance (or cluster) is in a ready status with every
    expected result in effect; STUCK when it is in a status it will not leave by itself; WAIT otherwise (a new name
    not there yet, a modification still pending...)."""
    if resource is None:
        return Readiness.WAIT
    state = readiness(resource.status, expect.ready)
    if state is not Readiness.READY:
        return state
    instance = resource if isinstance(resource, DBInstance) else None
    group = instance.parameter_group if instance is not None else None
    if expect.parameter_group and group is not None and group.ParameterApplyStatus == "failed-to-apply":
        return Readiness.STUCK  # "The parameter group is in an invalid state" (DBParameterGroupStatus)
    done = (
        not any(key in resource.PendingModifiedValues for key in expect.settled)
        and all(getattr(resource, key, None) == value for key, value in expect.values.items())
        and (not expect.promoted or instance is None or instance.ReadReplicaSourceDBInstanceIdentifier is None)
        and (expect.parameter_group is None or (group is not None and group.DBParameterGroupName ==
                                                 expect.parameter_group and group.ParameterApplyStatus != "applying"))
        and (not expect.parameters_in_sync or (group is not None and group.ParameterApplyStatus == "in-sync"))
    )
    return Readiness.READY if done else Readiness.WAIT


def rename_done(current: Resource | None, new: Resource | None) -> bool:
    """A rename is done when the old name is gone and the new one exists: a repeat would fail or, worse,
    rename whatever holds the old name by then."""
    return current is None and new is not None


def is_copy_of(resource: Resource, generation: str) -> bool:
    """Whether the instance (or cluster) is a copy made by the refresh of that generation (see the planner's
    tags)."""
    return resource.tag(TAG_GENERATION) == generation


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


def restore_step(current: Resource | None, old: Resource | None, temp: Resource | None,
                 current_is_copy: bool) -> Restore:
    """`current` holds the name, `old` is old-<name>, `temp` is temp-<name>; `current_is_copy` when `current` is
    this refresh's copy. Nothing moves while one of them is busy: a name being renamed away stays reserved."""
    def state(resource: Resource | None) -> Readiness | None:
        if resource is None:
            return None
        if renaming_to(resource):
            return Readiness.WAIT
        return readiness(resource.status)

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
