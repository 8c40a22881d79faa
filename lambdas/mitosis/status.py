"""Pure checks on live state: is an awaited operation done, and is a step already done (so a retry or a re-run
skips it instead of repeating it)."""

from __future__ import annotations

from enum import Enum
from typing import Any

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
