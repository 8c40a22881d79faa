"""The pure checks on live state: when a wait is over, when it can never be, and when a step is already done."""

from __future__ import annotations

import pytest
from mitosis.status import (
    Readiness,
    Restore,
    has_retention,
    is_copy_of,
    is_promoted,
    readiness,
    rename_done,
    restart_readiness,
    restore_step,
)

# --- readiness of an RDS instance ----------------------------------------------------------------------------


def test_an_available_instance_is_ready():
    assert readiness("available") is Readiness.READY


@pytest.mark.parametrize("status", [
    "failed", "storage-full", "incompatible-parameters", "incompatible-network", "incompatible-option-group",
    "incompatible-restore", "incompatible-credentials", "restore-error", "inaccessible-encryption-credentials",
    "inaccessible-encryption-credentials-recoverable", "stopped", "stopping",
])
def test_a_status_rds_does_not_leave_by_itself_is_stuck(status):
    # Waiting on these would only burn the retry budget: the wait must fail at once
    assert readiness(status) is Readiness.STUCK


@pytest.mark.parametrize("status", [
    "creating", "modifying", "renaming", "rebooting", "backing-up", "upgrading", "maintenance", "starting",
    "storage-optimization", "configuring-enhanced-monitoring", "configuring-log-exports",
    "resetting-master-credentials", "a-status-added-later", "", None,
])
def test_a_transitional_or_unknown_status_is_awaited(status):
    # RDS leaves these by itself (or, for an unknown status, may): retry, bounded by the retry limit
    assert readiness(status) is Readiness.WAIT


@pytest.mark.parametrize("status", ["Available", "AVAILABLE", " available", "available "])
def test_only_the_exact_available_status_is_ready(status):
    assert readiness(status) is not Readiness.READY


# --- readiness of a restart ----------------------------------------------------------------------------------


@pytest.mark.parametrize("statuses", [["COMPLETED"], ["COMPLETED", "COMPLETED"], ["Success"], ["Success"] * 3])
def test_a_restart_is_ready_when_every_part_succeeded(statuses):
    assert restart_readiness(statuses) is Readiness.READY


@pytest.mark.parametrize("statuses", [
    pytest.param([], id="no-part-yet"),
    pytest.param(["IN_PROGRESS"], id="ecs-in-progress"),
    pytest.param(["COMPLETED", "IN_PROGRESS"], id="ecs-one-left"),
    pytest.param(["Pending"], id="ssm-pending"),
    pytest.param(["Success", "InProgress"], id="ssm-one-left"),
    pytest.param(["Delayed"], id="ssm-delayed"),
])
def test_a_restart_is_awaited_while_a_part_runs_or_none_has_started(statuses):
    assert restart_readiness(statuses) is Readiness.WAIT


@pytest.mark.parametrize("failure", ["FAILED", "Failed", "TimedOut", "Cancelled", "Undeliverable", "Terminated",
                                     "DeliveryTimedOut", "ExecutionTimedOut", "AccessDenied", "InvalidPlatform"])
@pytest.mark.parametrize("others", [[], ["COMPLETED"], ["Success"], ["IN_PROGRESS"], ["InProgress"]])
def test_a_restart_is_stuck_as_soon_as_one_part_failed(failure, others):
    # Even while other parts still run: the outcome is known, waiting longer changes nothing
    assert restart_readiness([*others, failure]) is Readiness.STUCK
    assert restart_readiness([failure, *others]) is Readiness.STUCK


# --- steps already done --------------------------------------------------------------------------------------

INSTANCE = {"DBInstanceIdentifier": "x", "DBInstanceStatus": "available"}


@pytest.mark.parametrize(("old", "new", "done"), [
    pytest.param(None, INSTANCE, True, id="old-gone-new-exists"),
    pytest.param(INSTANCE, None, False, id="not-started"),
    pytest.param(INSTANCE, INSTANCE, False, id="both-exist"),
    pytest.param(None, None, False, id="neither-exists"),
])
def test_a_rename_is_done_only_when_the_old_name_is_gone_and_the_new_exists(old, new, done):
    assert rename_done(old, new) is done


@pytest.mark.parametrize(("instance", "promoted"), [
    pytest.param({**INSTANCE, "ReadReplicaSourceDBInstanceIdentifier": "production"}, False, id="replica"),
    pytest.param(INSTANCE, True, id="standalone"),
    pytest.param({**INSTANCE, "ReadReplicaSourceDBInstanceIdentifier": None}, True, id="null-source"),
    pytest.param({**INSTANCE, "ReadReplicaSourceDBInstanceIdentifier": ""}, True, id="empty-source"),
    pytest.param({**INSTANCE, "ReadReplicaDBInstanceIdentifiers": ["temp-replica"]}, True, id="has-replicas"),
])
def test_an_instance_is_promoted_when_it_replicates_from_nothing(instance, promoted):
    assert is_promoted(instance) is promoted


@pytest.mark.parametrize(("current", "wanted", "done"), [
    pytest.param(1, 1, True, id="same"),
    pytest.param(7, 7, True, id="same-7"),
    pytest.param(0, 1, False, id="backups-off"),
    pytest.param(None, 1, False, id="unreported"),
    pytest.param(7, 1, False, id="other-retention"),
])
def test_retention_is_set_only_when_it_is_exactly_the_planned_one(current, wanted, done):
    instance = INSTANCE if current is None else {**INSTANCE, "BackupRetentionPeriod": current}
    assert has_retention(instance, wanted) is done


# --- rolling a name back after a swap that could not complete -------------------------------------------------


def db(status: str | None = "available") -> dict[str, str | None]:
    return {"DBInstanceIdentifier": "x", "DBInstanceStatus": status}


AVAILABLE, BUSY, STUCK = db(), db("renaming"), db("failed")


@pytest.mark.parametrize(("current", "old", "temp", "current_is_copy", "step"), [
    # the old instance can serve: the copy leaves the name (renamed away, or dropped if stuck), the old one returns
    pytest.param(AVAILABLE, AVAILABLE, None, True, Restore.UNINSTALL, id="copy-installed"),
    pytest.param(STUCK, AVAILABLE, None, True, Restore.DROP_COPY, id="stuck-copy-installed"),
    pytest.param(db("storage-full"), AVAILABLE, None, True, Restore.DROP_COPY, id="full-copy-installed"),
    pytest.param(None, AVAILABLE, AVAILABLE, False, Restore.REINSTATE, id="copy-moved-away"),
    pytest.param(None, AVAILABLE, None, False, Restore.REINSTATE, id="copy-dropped"),
    pytest.param(None, AVAILABLE, STUCK, False, Restore.REINSTATE, id="copy-stuck-under-temp"),
    # the old instance cannot serve: the copy takes the name, if it can
    pytest.param(None, None, AVAILABLE, False, Restore.INSTALL_COPY, id="old-gone"),
    pytest.param(None, STUCK, AVAILABLE, False, Restore.INSTALL_COPY, id="old-stuck"),
    pytest.param(AVAILABLE, STUCK, None, True, Restore.DONE, id="old-stuck-copy-installed"),
    # the name is held by an available instance, the old one put back or never moved
    pytest.param(AVAILABLE, None, None, False, Restore.DONE, id="never-swapped"),
    pytest.param(AVAILABLE, None, AVAILABLE, False, Restore.DONE, id="restored-copy-kept"),
    pytest.param(AVAILABLE, None, None, True, Restore.DONE, id="copy-installed-old-gone"),
    # something is busy: nothing moves (a name being renamed away stays reserved)
    pytest.param(BUSY, AVAILABLE, None, True, Restore.WAIT, id="current-busy"),
    pytest.param(None, BUSY, AVAILABLE, False, Restore.WAIT, id="old-busy"),
    pytest.param(None, AVAILABLE, BUSY, False, Restore.WAIT, id="temp-busy"),
    pytest.param(STUCK, AVAILABLE, db("deleting"), True, Restore.WAIT, id="temp-deleting"),
    pytest.param(db(None), AVAILABLE, None, True, Restore.WAIT, id="status-unreported"),
    # no instance can hold the name, or holding it would take a guess: a person must look
    pytest.param(AVAILABLE, AVAILABLE, None, False, Restore.LOST, id="old-data-under-both-names"),
    pytest.param(STUCK, AVAILABLE, None, False, Restore.LOST, id="stuck-instance-not-ours"),
    pytest.param(None, None, None, False, Restore.LOST, id="nothing-left"),
    pytest.param(None, STUCK, STUCK, False, Restore.LOST, id="everything-stuck"),
    pytest.param(None, None, STUCK, False, Restore.LOST, id="only-a-stuck-copy"),
    pytest.param(STUCK, None, AVAILABLE, True, Restore.LOST, id="stuck-copy-installed-old-gone"),
    pytest.param(STUCK, STUCK, None, True, Restore.LOST, id="stuck-copy-and-stuck-old"),
])
def test_the_next_restore_step(current, old, temp, current_is_copy, step):
    assert restore_step(current, old, temp, current_is_copy=current_is_copy) is step


@pytest.mark.parametrize(("tags", "copy"), [
    pytest.param([{"Key": "stack-mitosis:generation", "Value": "run-1"}], True, id="this-generation"),
    pytest.param([{"Key": "stack-mitosis:generation", "Value": "run-0"}], False, id="another-generation"),
    pytest.param([{"Key": "stack-mitosis:target", "Value": "staging"}], False, id="no-generation"),
    pytest.param([], False, id="no-tags"),
    pytest.param(None, False, id="null-tags"),
])
def test_a_copy_is_recognised_by_its_generation_tag(tags, copy):
    assert is_copy_of({**INSTANCE, "TagList": tags}, "run-1") is copy
