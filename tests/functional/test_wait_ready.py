"""The "... done?" checks of RDS operations (on instances and Aurora clusters): READY only once the expected result is
in effect (never the status alone), NotReady while it is not (Step Functions retries), InstanceFailed for what RDS
does not leave by itself."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import InstanceFailed, NotReady, TransientAwsError
from mitosis.handlers import wait_ready

from tests.functional.conftest import CreateInstance, FakeLambdaContext, Json, Stub, described, envelope

COPY = "temp-staging"
READY = {"DBInstanceIdentifier": COPY, "action": "ready"}
WINDOWS = {"PreferredMaintenanceWindow": "tue:01:00-tue:02:00", "PreferredBackupWindow": "03:00-03:30"}


def expect(**fields: Any) -> Json:
    return {"DBInstanceIdentifier": COPY, **fields}


def group(status: str, name: str = "staging-params") -> Json:
    return {"DBParameterGroups": [{"DBParameterGroupName": name, "ParameterApplyStatus": status}]}


def instance_is(stub: Stub, status: str = "available", **fields: Any) -> None:
    stub(wait_ready, "rds").add_response("describe_db_instances", described(COPY, status, **fields),
                                         {"DBInstanceIdentifier": COPY})


def test_wait_ready_returns_once_the_instance_is_available(context: FakeLambdaContext,
                                                           create_instance: CreateInstance) -> None:
    create_instance(COPY)
    assert wait_ready.handler(envelope(expect()), context) == READY


def test_wait_ready_is_not_ready_while_the_instance_does_not_exist(context: FakeLambdaContext) -> None:
    # Given no instance has the name yet (a renamed instance takes a moment to appear under its new name)
    # When / Then the check asks to be retried, saying why
    with pytest.raises(NotReady, match=f"{COPY}: does not exist yet"):
        wait_ready.handler(envelope(expect()), context)


@pytest.mark.parametrize("status", ["creating", "modifying", "renaming", "backing-up", "rebooting", "upgrading",
                                    "configuring-enhanced-monitoring", "a-status-added-later"])
def test_wait_ready_is_not_ready_while_the_instance_is_busy(context: FakeLambdaContext, stub: Stub,
                                                            status: str) -> None:
    # Given the instance is in a status it leaves by itself
    instance_is(stub, status)
    # When / Then the check asks to be retried, saying why
    with pytest.raises(NotReady, match=status):
        wait_ready.handler(envelope(expect()), context)


@pytest.mark.parametrize("status", ["failed", "incompatible-parameters", "incompatible-network", "storage-full",
                                    "restore-error", "inaccessible-encryption-credentials", "stopped"])
def test_wait_ready_fails_for_an_instance_that_cannot_recover(context: FakeLambdaContext, stub: Stub,
                                                              status: str) -> None:
    # Given the instance is in a status it does not leave by itself
    instance_is(stub, status)
    # When / Then the check fails at once instead of retrying until the limit, naming the status
    with pytest.raises(InstanceFailed, match=status) as raised:
        wait_ready.handler(envelope(expect()), context)
    assert type(raised.value).__name__ == "InstanceFailed"


# Each awaited result, with an instance (available) on which it is in effect, and one on which it is not yet.
RESULTS: list[Any] = [
    pytest.param(expect(settled=["BackupRetentionPeriod"], values={"BackupRetentionPeriod": 3}),
                 {"BackupRetentionPeriod": 3},
                 {"BackupRetentionPeriod": 0, "PendingModifiedValues": {"BackupRetentionPeriod": 3}},
                 id="backups-pending"),
    pytest.param(expect(values={"BackupRetentionPeriod": 3}), {"BackupRetentionPeriod": 3},
                 {"BackupRetentionPeriod": 1}, id="backups-other-value"),
    pytest.param(expect(settled=["MasterUserPassword"]), {},
                 {"PendingModifiedValues": {"MasterUserPassword": "****"}}, id="password-pending"),
    pytest.param(expect(parameter_group="staging-params"), group("pending-reboot"),
                 group("in-sync", "default.mysql8.0"), id="group-not-applied"),
    pytest.param(expect(parameter_group="staging-params"), group("in-sync"), group("applying"),
                 id="group-applying"),
    pytest.param(expect(parameter_group="staging-params", parameters_in_sync=True), group("in-sync"),
                 group("pending-reboot"), id="parameters-await-reboot"),
    pytest.param(expect(promoted=True, values={"BackupRetentionPeriod": 3}), {"BackupRetentionPeriod": 3},
                 {"BackupRetentionPeriod": 3, "ReadReplicaSourceDBInstanceIdentifier": "production"},
                 id="not-promoted-yet"),
    pytest.param(expect(settled=["DBInstanceIdentifier"], values=WINDOWS), WINDOWS,
                 {**WINDOWS, "PendingModifiedValues": {"DBInstanceIdentifier": "staging"}}, id="rename-pending"),
    pytest.param(expect(settled=["DBInstanceIdentifier"], values=WINDOWS), WINDOWS,
                 {**WINDOWS, "PreferredBackupWindow": "05:00-05:30"}, id="window-not-applied"),
    pytest.param(expect(values={"DeletionProtection": False}), {"DeletionProtection": False},
                 {"DeletionProtection": True}, id="protection-not-lifted"),
]


@pytest.mark.parametrize(("awaited", "in_effect", "not_yet"), RESULTS)
def test_wait_ready_is_ready_only_once_the_expected_result_is_in_effect(
        context: FakeLambdaContext, stub: Stub, awaited: Json, in_effect: Json, not_yet: Json) -> None:
    # Given an available instance on which the awaited result is not in effect yet
    instance_is(stub, **not_yet)
    # When / Then the check asks to be retried: `available` alone does not mean done
    with pytest.raises(NotReady, match=COPY):
        wait_ready.handler(envelope(awaited), context)
    # And once the result is in effect, the check is over
    instance_is(stub, **in_effect)
    assert wait_ready.handler(envelope(awaited), context) == READY


@pytest.mark.parametrize(("status", "ready"), [
    pytest.param("available", True, id="available"),
    pytest.param("storage-optimization", True, id="storage-optimization"),
    pytest.param("backing-up", False, id="backing-up"),
    pytest.param("modifying", False, id="modifying"),
])
def test_wait_ready_takes_production_in_the_statuses_it_can_be_copied_in(context: FakeLambdaContext, stub: Stub,
                                                                         status: str, ready: bool) -> None:
    # Given production in a status (its backup window, a storage optimisation...)
    stub(wait_ready, "rds").add_response("describe_db_instances", described("production", status))
    awaited = {"DBInstanceIdentifier": "production", "ready": ["available", "storage-optimization"]}
    # When / Then Production ready? lets the copy be made in the statuses it can serve in, and waits otherwise
    if ready:
        assert wait_ready.handler(envelope(awaited), context) == {"DBInstanceIdentifier": "production",
                                                                  "action": "ready"}
    else:
        with pytest.raises(NotReady, match=status):
            wait_ready.handler(envelope(awaited), context)


def test_wait_ready_fails_for_a_parameter_group_that_failed_to_apply(context: FakeLambdaContext,
                                                                     stub: Stub) -> None:
    # Given the copy's new parameter group failed to apply (the group is in an invalid state)
    instance_is(stub, **group("failed-to-apply"))
    # When / Then the check fails at once instead of retrying until the limit
    with pytest.raises(InstanceFailed) as raised:
        wait_ready.handler(envelope(expect(parameter_group="staging-params")), context)
    assert type(raised.value).__name__ == "InstanceFailed"


def test_wait_ready_says_which_parameter_group_failed_to_apply(context: FakeLambdaContext, stub: Stub) -> None:
    # Given the copy's new parameter group failed to apply
    instance_is(stub, **group("failed-to-apply"))
    # When the check fails
    with pytest.raises(InstanceFailed) as raised:
        wait_ready.handler(envelope(expect(parameter_group="staging-params")), context)
    # Then its cause (what a person reads in the console) names the group and its state, not a status that is fine
    assert "staging-params" in str(raised.value)
    assert "failed-to-apply" in str(raised.value)


def test_wait_ready_throttled_surfaces_as_a_transient_error(context: FakeLambdaContext, stub: Stub) -> None:
    # Given AWS throttles the describe
    stub(wait_ready, "rds").add_client_error("describe_db_instances", service_error_code="Throttling",
                                             http_status_code=400)
    # When / Then the error type is the one Step Functions retries
    with pytest.raises(TransientAwsError) as raised:
        wait_ready.handler(envelope(expect()), context)
    assert type(raised.value).__name__ == "TransientAwsError"


CLONE = {"DBClusterIdentifier": COPY}


def cluster_is(stub: Stub, status: str = "available", **fields: Any) -> None:
    stub(wait_ready, "rds").add_response("describe_db_clusters", {"DBClusters": [
        {"DBClusterIdentifier": COPY, "Status": status, **fields}]}, {"DBClusterIdentifier": COPY})


def test_wait_ready_returns_once_a_cluster_is_available(context: FakeLambdaContext, stub: Stub) -> None:
    cluster_is(stub)
    assert wait_ready.handler(envelope(CLONE), context) == {"DBClusterIdentifier": COPY, "action": "ready"}


@pytest.mark.parametrize(("status", "pending"), [
    ("creating", {}), ("renaming", {}), ("resetting-master-credentials", {}),
    ("available", {"DBClusterIdentifier": "staging"})])
def test_wait_ready_is_not_ready_while_a_cluster_is_busy_or_its_rename_pending(context: FakeLambdaContext, stub: Stub,
                                                                              status: str, pending: Json) -> None:
    cluster_is(stub, status, PendingModifiedValues=pending)
    with pytest.raises(NotReady, match=f"{COPY}: {status}"):
        wait_ready.handler(envelope({**CLONE, "settled": ["DBClusterIdentifier"]}), context)


def test_wait_ready_fails_a_clone_that_failed(context: FakeLambdaContext, stub: Stub) -> None:
    # DB cluster status "cloning-failed": "Cloning a DB cluster failed." RDS does not leave it by itself.
    cluster_is(stub, "cloning-failed")
    with pytest.raises(InstanceFailed, match="cloning-failed"):
        wait_ready.handler(envelope(CLONE), context)


def test_wait_ready_is_not_ready_while_no_cluster_has_the_name(context: FakeLambdaContext, stub: Stub) -> None:
    stub(wait_ready, "rds").add_client_error("describe_db_clusters", service_error_code="DBClusterNotFoundFault",
                                             http_status_code=404, expected_params={"DBClusterIdentifier": COPY})
    with pytest.raises(NotReady, match="does not exist yet"):
        wait_ready.handler(envelope(CLONE), context)
