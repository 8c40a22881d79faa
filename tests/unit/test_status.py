"""The pure checks on live state: when a wait is over, when it can never be, and when a step is already done."""

from __future__ import annotations

import pytest
from mitosis.status import Readiness, has_retention, is_promoted, readiness, rename_done, restart_readiness

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
