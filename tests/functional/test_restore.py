"""Restore name / Roll back name: after a swap that could not complete (or a restart that failed), one step per
invocation towards the name being held by an available instance again: its old instance when it can serve, else
this refresh's copy; NotReady until it is, RestoreFailed when no instance can take it."""

from __future__ import annotations

from typing import Any

import pytest
from mitosis.errors import NotReady, RestoreFailed
from mitosis.handlers import restore
from mitosis.models import TAG_GENERATION, TAG_NAME, TAG_TARGET, DBInstance
from mitosis.status import Restore, is_copy_of, restore_step

from tests.functional.conftest import (
    EXECUTION,
    Calls,
    CreateInstance,
    FakeLambdaContext,
    Json,
    Live,
    Stub,
    described,
    envelope,
    not_found,
    tag_list,
)

GENERATION = EXECUTION
COPY_TAGS = {TAG_TARGET: "staging", TAG_NAME: "staging", TAG_GENERATION: GENERATION}
INSTALL = {"DBInstanceIdentifier": "temp-staging", "NewDBInstanceIdentifier": "staging", "ApplyImmediately": True,
           "PreferredMaintenanceWindow": "tue:01:00-tue:02:00"}
REINSTATE = {"DBInstanceIdentifier": "old-staging", "NewDBInstanceIdentifier": "staging", "ApplyImmediately": True,
             "DeletionProtection": True}
RESTORATION = {"name": "staging", "generation": GENERATION, "reinstate": REINSTATE, "install": INSTALL}
RESTORED = {"DBInstanceIdentifier": "staging", "action": "restored"}
COPY: Json = {"TagList": tag_list(COPY_TAGS)}


def restores_to_done(context: FakeLambdaContext, limit: int = 5) -> list[str]:
    """Invoke Restore name as Step Functions does, retrying on NotReady, until it returns: the steps it took."""
    steps: list[str] = []
    for _ in range(limit):
        try:
            assert restore.handler(envelope(RESTORATION), context) == RESTORED
            return steps
        except NotReady as not_ready:
            steps.append(str(not_ready).rsplit(": ", 1)[-1])
    raise AssertionError(f"not restored after {steps}")


def test_restore_moves_the_copy_away_then_gives_the_name_back_to_the_old_instance(
        context: FakeLambdaContext, create_instance: CreateInstance, live: Live, rds_calls: Calls) -> None:
    # Given the swap failed after this refresh's copy took the name, with the old instance retired
    create_instance("staging", tags=COPY_TAGS)
    create_instance("old-staging", tags={"env": "staging"})
    calls = rds_calls(restore)
    # When Restore name runs until it is done
    steps = restores_to_done(context)
    # Then it renamed the copy back to temp-staging, then old-staging back to staging, one step per invocation
    assert steps == [Restore.UNINSTALL.value, Restore.REINSTATE.value]
    assert [c for c in calls if c != "DescribeDBInstances"] == ["ModifyDBInstance", "ModifyDBInstance"]
    # And the old instance holds its name again, protected as it was; the copy is kept for the next run
    assert live("staging")["TagList"] == [{"Key": "env", "Value": "staging"}]
    assert live("staging")["DeletionProtection"] is True
    assert live("temp-staging")["TagList"] == tag_list(COPY_TAGS)
    assert live("old-staging") is None


def test_restore_installs_the_copy_when_no_old_instance_can_serve(context: FakeLambdaContext,
                                                                  create_instance: CreateInstance,
                                                                  live: Live) -> None:
    # Given the old instance is gone and this refresh's copy is still under its temp- name
    create_instance("temp-staging", tags=COPY_TAGS)
    # When Restore name runs until it is done
    assert restores_to_done(context) == [Restore.INSTALL_COPY.value]
    # Then the copy holds the name, with the install settings
    assert live("temp-staging") is None
    assert live("staging")["PreferredMaintenanceWindow"] == "tue:01:00-tue:02:00"


@pytest.mark.usefixtures("world")
def test_restore_of_a_name_the_swap_never_reached_changes_nothing(context: FakeLambdaContext,
                                                                  rds_calls: Calls) -> None:
    calls = rds_calls(restore)
    assert restore.handler(envelope(RESTORATION), context) == RESTORED
    assert calls == ["DescribeDBInstances"] * 3


@pytest.mark.parametrize("current_tags", [
    pytest.param({"env": "staging"}, id="old-data-under-both-names"),
    pytest.param({**COPY_TAGS, TAG_GENERATION: "run-0"}, id="copy-of-another-generation"),
])
def test_restore_fails_rather_than_move_an_instance_that_is_not_this_refresh_s_copy(
        context: FakeLambdaContext, create_instance: CreateInstance, rds_calls: Calls,
        current_tags: dict[str, str]) -> None:
    # Given old-staging can serve, but the instance under staging is not this refresh's copy
    create_instance("staging", tags=current_tags)
    create_instance("old-staging")
    calls = rds_calls(restore)
    # When / Then Restore name fails for a person to look, having only looked
    with pytest.raises(RestoreFailed) as raised:
        restore.handler(envelope(RESTORATION), context)
    assert type(raised.value).__name__ == "RestoreFailed"
    assert "'staging'" in str(raised.value)
    assert calls == ["DescribeDBInstances"] * 3


# Each step restore_step can take, with the instances that lead to it (None: no instance has that name), and the
# calls Restore name makes for it.
STEPS: list[Any] = [
    pytest.param(Restore.UNINSTALL, described("staging", **COPY), described("old-staging"), None,
                 [("modify_db_instance", {"DBInstanceIdentifier": "staging", "NewDBInstanceIdentifier": "temp-staging",
                                          "ApplyImmediately": True})], id="uninstall"),
    pytest.param(Restore.DROP_COPY, described("staging", "failed", DeletionProtection=True, **COPY),
                 described("old-staging"), None,
                 [("modify_db_instance", {"DBInstanceIdentifier": "staging", "DeletionProtection": False,
                                          "ApplyImmediately": True}),
                  ("delete_db_instance", {"DBInstanceIdentifier": "staging", "SkipFinalSnapshot": True})],
                 id="drop-protected-copy"),
    pytest.param(Restore.DROP_COPY, described("staging", "storage-full", DeletionProtection=False, **COPY),
                 described("old-staging"), None,
                 [("delete_db_instance", {"DBInstanceIdentifier": "staging", "SkipFinalSnapshot": True})],
                 id="drop-unprotected-copy"),
    pytest.param(Restore.REINSTATE, None, described("old-staging"), described("temp-staging", **COPY),
                 [("modify_db_instance", REINSTATE)], id="reinstate"),
    pytest.param(Restore.INSTALL_COPY, None, described("old-staging", "incompatible-parameters"),
                 described("temp-staging", **COPY), [("modify_db_instance", INSTALL)], id="install-copy"),
    pytest.param(Restore.WAIT, described("staging", "renaming", **COPY), described("old-staging"), None, [],
                 id="wait-renaming"),
    pytest.param(Restore.WAIT, None, described("old-staging", "renaming"), described("temp-staging", **COPY), [],
                 id="wait-old-renaming"),
    pytest.param(Restore.WAIT, None, described("old-staging", PendingModifiedValues={
        "DBInstanceIdentifier": "staging"}), described("temp-staging", **COPY), [], id="wait-rename-pending"),
    pytest.param(Restore.WAIT, described("staging", "failed", **COPY), described("old-staging"),
                 described("temp-staging", "deleting"), [], id="wait-deleting"),
    pytest.param(Restore.DONE, described("staging"), None, None, [], id="done"),
    pytest.param(Restore.LOST, None, None, None, [], id="lost-nothing-left"),
    pytest.param(Restore.LOST, None, described("old-staging", "failed"), described("temp-staging", "failed", **COPY),
                 [], id="lost-all-stuck"),
]


def only(response: Json | None) -> DBInstance | None:
    """The instance of a one-instance DescribeDBInstances response."""
    return DBInstance.model_validate(response["DBInstances"][0]) if response else None


@pytest.mark.parametrize(("step", "current", "old", "temp", "calls"), STEPS)
def test_restore_makes_the_call_of_each_step(context: FakeLambdaContext, stub: Stub, step: Restore,
                                             current: Json | None, old: Json | None, temp: Json | None,
                                             calls: list[tuple[str, Json]]) -> None:
    # Given the instances under staging, old-staging and temp-staging (only the step's calls are scripted)
    rds = stub(restore, "rds")
    for name, response in (("staging", current), ("old-staging", old), ("temp-staging", temp)):
        if response is None:
            not_found(rds, name)
        else:
            rds.add_response("describe_db_instances", response, {"DBInstanceIdentifier": name})
    for operation, params in calls:
        rds.add_response(operation, {}, params)
    # (the table agrees with the pure rule)
    holder = only(current)
    assert restore_step(holder, only(old), only(temp),
                        current_is_copy=holder is not None and is_copy_of(holder, GENERATION)) is step
    # When Restore name runs
    if step is Restore.DONE:
        # Then it returns once the name is held by an available instance
        assert restore.handler(envelope(RESTORATION), context) == RESTORED
    elif step is Restore.LOST:
        # Then it fails for a person to look, without touching anything
        with pytest.raises(RestoreFailed):
            restore.handler(envelope(RESTORATION), context)
    else:
        # Then it makes the step's calls (none while an instance is busy) and asks to be invoked again
        with pytest.raises(NotReady, match=step.value):
            restore.handler(envelope(RESTORATION), context)


CLUSTER_RESTORATION = {"name": "staging", "generation": GENERATION,
                       "reinstate": {"DBClusterIdentifier": "old-staging", "NewDBClusterIdentifier": "staging",
                                     "ApplyImmediately": True},
                       "install": {"DBClusterIdentifier": "temp-staging", "NewDBClusterIdentifier": "staging",
                                   "ApplyImmediately": True}}


def test_restore_gives_a_cluster_s_name_back_to_the_old_cluster(context: FakeLambdaContext, create_cluster: Any,
                                                                live_cluster: Live) -> None:
    # Given the old cluster retired and the clone under the name
    create_cluster("old-staging")
    create_cluster("staging", tags=COPY_TAGS)
    # When Restore name runs until it is done: the clone is renamed away, then the old cluster back
    steps = []
    for _ in range(4):
        try:
            assert restore.handler(envelope(CLUSTER_RESTORATION), context) == {"DBClusterIdentifier": "staging",
                                                                               "action": "restored"}
            break
        except NotReady as not_ready:
            steps.append(str(not_ready).rsplit(": ", 1)[-1])
    assert steps == ["uninstall", "reinstate"]
    assert live_cluster("staging")["TagList"] == [] and live_cluster("temp-staging")["TagList"] == tag_list(COPY_TAGS)


def test_restore_leaves_a_stuck_cluster_copy_to_a_person(context: FakeLambdaContext, stub: Stub) -> None:
    # Given the clone under the name failed, the old cluster can serve: a cluster could only be deleted after its
    # instances, so Restore name does not drop it
    rds = stub(restore, "rds")
    for name, status, tags in (("staging", "inaccessible-encryption-credentials", tag_list(COPY_TAGS)),
                               ("old-staging", "available", []), ("temp-staging", None, [])):
        if status is None:
            rds.add_client_error("describe_db_clusters", service_error_code="DBClusterNotFoundFault",
                                 http_status_code=404, expected_params={"DBClusterIdentifier": name})
        else:
            rds.add_response("describe_db_clusters", {"DBClusters": [
                {"DBClusterIdentifier": name, "Status": status, "TagList": tags}]}, {"DBClusterIdentifier": name})
    with pytest.raises(RestoreFailed, match="No available instance can take 'staging' back"):
        restore.handler(envelope(CLUSTER_RESTORATION), context)
