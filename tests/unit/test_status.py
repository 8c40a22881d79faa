"""The pure checks on live state: when a wait is over, when it can never be, and when a step is already done."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.models import DBCluster, DBInstance, Expectation
from mitosis.status import (
    Readiness,
    Restore,
    hook_readiness,
    is_busy,
    is_copy_of,
    progress,
    readiness,
    rename_done,
    renaming_to,
    restore_step,
    state_of,
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


# --- readiness of a hook (restart or before-swap) ---------------------------------------------------------------------


@pytest.mark.parametrize("statuses", [["COMPLETED"], ["COMPLETED", "COMPLETED"], ["Success"], ["Success"] * 3])
def test_a_restart_is_ready_when_every_part_succeeded(statuses):
    assert hook_readiness(statuses) is Readiness.READY


@pytest.mark.parametrize("statuses", [
    pytest.param([], id="no-part-yet"),
    pytest.param(["IN_PROGRESS"], id="ecs-in-progress"),
    pytest.param(["COMPLETED", "IN_PROGRESS"], id="ecs-one-left"),
    pytest.param(["Pending"], id="ssm-pending"),
    pytest.param(["Success", "InProgress"], id="ssm-one-left"),
    pytest.param(["Delayed"], id="ssm-delayed"),
])
def test_a_restart_is_awaited_while_a_part_runs_or_none_has_started(statuses):
    assert hook_readiness(statuses) is Readiness.WAIT


@pytest.mark.parametrize("failure", ["FAILED", "Failed", "TimedOut", "Cancelled", "Undeliverable", "Terminated",
                                     "DeliveryTimedOut", "ExecutionTimedOut", "AccessDenied", "InvalidPlatform"])
@pytest.mark.parametrize("others", [[], ["COMPLETED"], ["Success"], ["IN_PROGRESS"], ["InProgress"]])
def test_a_restart_is_stuck_as_soon_as_one_part_failed(failure, others):
    # Even while other parts still run: the outcome is known, waiting longer changes nothing
    assert hook_readiness([*others, failure]) is Readiness.STUCK
    assert hook_readiness([failure, *others]) is Readiness.STUCK


# --- steps already done --------------------------------------------------------------------------------------


def instance(status: str | None = "available", **fields: Any) -> DBInstance:
    return DBInstance(DBInstanceIdentifier="x", DBInstanceStatus=status or "", **fields)


INSTANCE = instance()


def cluster(status: str = "available", **fields: Any) -> DBCluster:
    return DBCluster(DBClusterIdentifier="x", Status=status, **fields)


@pytest.mark.parametrize(("old", "new", "done"), [
    pytest.param(None, INSTANCE, True, id="old-gone-new-exists"),
    pytest.param(INSTANCE, None, False, id="not-started"),
    pytest.param(INSTANCE, INSTANCE, False, id="both-exist"),
    pytest.param(None, None, False, id="neither-exists"),
])
def test_a_rename_is_done_only_when_the_old_name_is_gone_and_the_new_exists(old, new, done):
    assert rename_done(old, new) is done


@pytest.mark.parametrize(("fields", "busy"), [
    pytest.param({}, False, id="available"),
    pytest.param({"status": "backing-up"}, True, id="backing-up"),
    pytest.param({"PendingModifiedValues": {"DBInstanceIdentifier": "old-x"}}, True, id="rename-pending"),
    pytest.param({"PendingModifiedValues": {"DBInstanceClass": "db.t3.large"}}, False, id="other-change-pending"),
])
def test_an_instance_is_busy_while_not_available_or_while_a_rename_is_pending(fields, busy):
    # RDS describes a renamed instance under its old name, available, until the rename starts
    assert is_busy(instance(**fields)) is busy


# --- waiting for a result, never for the status alone ----------------------------------------------------------


def expect(**fields: Any) -> Expectation:
    return Expectation(DBInstanceIdentifier="x", **fields)


def group(name: str = "demo", status: str = "in-sync") -> list[dict[str, str]]:
    return [{"DBParameterGroupName": name, "ParameterApplyStatus": status}]


@pytest.mark.parametrize(("found", "awaited", "state"), [
    pytest.param(None, expect(), Readiness.WAIT, id="not-there-yet"),
    pytest.param(instance(), expect(), Readiness.READY, id="available"),
    pytest.param(instance("creating"), expect(), Readiness.WAIT, id="creating"),
    pytest.param(instance("incompatible-parameters"), expect(), Readiness.STUCK, id="stuck"),
    pytest.param(instance("storage-optimization"), expect(), Readiness.WAIT, id="storage-optimization"),
    pytest.param(instance("storage-optimization"), expect(ready=["available", "storage-optimization"]),
                 Readiness.READY, id="storage-optimization-counts"),
    # a modification RDS accepted but has not started: the instance still says available
    pytest.param(instance(PendingModifiedValues={"MasterUserPassword": "****"}),
                 expect(settled=["MasterUserPassword"]), Readiness.WAIT, id="password-pending"),
    pytest.param(instance(PendingModifiedValues={"DBInstanceClass": "x"}), expect(settled=["MasterUserPassword"]),
                 Readiness.READY, id="another-change-pending"),
    pytest.param(instance(BackupRetentionPeriod=0), expect(values={"BackupRetentionPeriod": 3}), Readiness.WAIT,
                 id="retention-not-applied"),
    pytest.param(instance(BackupRetentionPeriod=3), expect(values={"BackupRetentionPeriod": 3}), Readiness.READY,
                 id="retention-applied"),
    pytest.param(instance(ReadReplicaSourceDBInstanceIdentifier="prod"), expect(promoted=True), Readiness.WAIT,
                 id="still-a-replica"),
    pytest.param(instance(), expect(promoted=True), Readiness.READY, id="promoted"),
    pytest.param(instance(DBParameterGroups=group("prod")), expect(parameter_group="demo"), Readiness.WAIT,
                 id="old-group"),
    pytest.param(instance(DBParameterGroups=group(status="applying")), expect(parameter_group="demo"),
                 Readiness.WAIT, id="group-applying"),
    pytest.param(instance(DBParameterGroups=group(status="pending-reboot")), expect(parameter_group="demo"),
                 Readiness.READY, id="group-set-needs-reboot"),
    pytest.param(instance(DBParameterGroups=group(status="pending-reboot")),
                 expect(parameter_group="demo", parameters_in_sync=True), Readiness.WAIT, id="not-rebooted-yet"),
    pytest.param(instance(DBParameterGroups=group()), expect(parameter_group="demo", parameters_in_sync=True),
                 Readiness.READY, id="in-sync"),
    pytest.param(instance(DBParameterGroups=group(status="failed-to-apply")), expect(parameter_group="demo"),
                 Readiness.STUCK, id="failed-to-apply"),
    # a replica's creation is done once it is available: only a promote waits for it to stop replicating
    pytest.param(instance(ReadReplicaSourceDBInstanceIdentifier="temp-x"), expect(), Readiness.READY,
                 id="replica-created"),
    # an Aurora cluster: its status, values and pending changes (it has no DB parameter group or replication of
    # an instance's)
    pytest.param(cluster(), Expectation(DBClusterIdentifier="x"), Readiness.READY, id="cluster-available"),
    pytest.param(cluster("creating"), Expectation(DBClusterIdentifier="x"), Readiness.WAIT, id="cluster-creating"),
    pytest.param(cluster(DeletionProtection=False), Expectation(DBClusterIdentifier="x", values={
        "DeletionProtection": True}), Readiness.WAIT, id="cluster-not-protected-yet"),
    pytest.param(cluster(DeletionProtection=True), Expectation(DBClusterIdentifier="x", values={
        "DeletionProtection": True}), Readiness.READY, id="cluster-protected"),
])
def test_a_check_is_ready_only_once_the_requested_result_is_in_effect(found, awaited, state):
    assert progress(found, awaited) is state


# --- rolling a name back after a swap that could not complete -------------------------------------------------


def db(status: str | None = "available") -> DBInstance:
    return instance(status)


AVAILABLE, BUSY, STUCK = db(), db("renaming"), db("failed")
RENAME_PENDING = instance(PendingModifiedValues={"DBInstanceIdentifier": "temp-x"})


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
    pytest.param(RENAME_PENDING, AVAILABLE, None, True, Restore.WAIT, id="rename-accepted-not-started"),
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
])
def test_a_copy_is_recognised_by_its_generation_tag(tags, copy):
    assert is_copy_of(instance(TagList=tags), "run-1") is copy


# --- what a waiting step says the instance is doing ------------------------------------------------------------


@pytest.mark.parametrize(("found", "said"), [
    pytest.param(None, "does not exist yet", id="not-there"),
    pytest.param(instance("creating"), "creating", id="status"),
    pytest.param(instance(PendingModifiedValues={"DBInstanceIdentifier": "old-x"}),
                 "available, pending rename to old-x", id="rename-pending"),
    pytest.param(instance(PendingModifiedValues={"DBInstanceIdentifier": "old-x", "MasterUserPassword": "****",
                                                 "DBInstanceClass": "db.t3.large"}),
                 "available, pending rename to old-x, pending DBInstanceClass, MasterUserPassword",
                 id="changes-pending"),
    pytest.param(instance("modifying", DBParameterGroups=group("demo", "pending-reboot")),
                 "modifying, parameter group demo pending-reboot", id="group-not-in-sync"),
    pytest.param(instance(DBParameterGroups=group()), "available", id="group-in-sync"),
    pytest.param(cluster("renaming", PendingModifiedValues={"MasterUserPassword": "****"}),
                 "renaming, pending MasterUserPassword", id="cluster"),
])
def test_a_waiting_step_says_what_the_instance_is_doing(found, said):
    assert state_of(found) == said


def test_a_pending_rename_names_the_identifier_it_will_give():
    assert renaming_to(instance(PendingModifiedValues={"DBInstanceIdentifier": "old-x"})) == "old-x"
    assert renaming_to(instance(PendingModifiedValues={"DBInstanceClass": "db.t3.large"})) is None
