"""The handlers that keep a refresh safe when something else is going on or has gone wrong: one refresh per target
(Check no other refresh), deleting what the workflow owns (Discard, Delete old), the guarded renames of the swap,
rolling a name back after a swap that could not complete (Restore name), and pruning final snapshots.

As in test_handlers.py: moto answers by default; statuses and timings moto cannot produce are scripted with a
Stubber on the handler's adapter (the `stub` fixture)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from mitosis.errors import NotReady, RefreshAlreadyRunning, RenameRefused, RestoreFailed
from mitosis.handlers import check_concurrency, delete_old, discard, prune_snapshots, rename, restore
from mitosis.models import TAG_GENERATION, TAG_NAME, TAG_REPLACED_BY, TAG_TARGET
from mitosis.status import Restore, restore_step

REGION = "us-west-2"
GENERATION = "run-1"
MACHINE_NAME = "stack-mitosis-refresh"
MACHINE_ARN = f"arn:aws:states:{REGION}:123456789012:stateMachine:{MACHINE_NAME}"
REQUEST = {"source": "production", "target": "staging"}
COPY_TAGS = {TAG_TARGET: "staging", TAG_NAME: "staging", TAG_GENERATION: GENERATION}


def described(name: str, status: str = "available", **fields: Any) -> dict[str, Any]:
    """A DescribeDBInstances response with one instance."""
    return {"DBInstances": [{"DBInstanceIdentifier": name, "DBInstanceStatus": status, **fields}]}


def only(response: dict[str, Any] | None) -> dict[str, Any] | None:
    """The instance of a one-instance DescribeDBInstances response."""
    return response["DBInstances"][0] if response else None


def not_found(stubber: Any, name: str) -> None:
    stubber.add_client_error("describe_db_instances", service_error_code="DBInstanceNotFound",
                             http_status_code=404, expected_params={"DBInstanceIdentifier": name})


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


# --- check_concurrency ---------------------------------------------------------------------------------------


@pytest.fixture
def sfn_client(aws: None) -> Any:
    return boto3.client("stepfunctions", region_name=REGION)


@pytest.fixture
def machine(sfn_client: Any) -> str:
    """The refresh state machine with a trivial definition: plain moto runs nothing, so every execution started
    stays RUNNING until it is stopped."""
    definition = {"StartAt": "Nothing", "States": {"Nothing": {"Type": "Pass", "End": True}}}
    arn = sfn_client.create_state_machine(name=MACHINE_NAME, definition=json.dumps(definition),
                                          roleArn="arn:aws:iam::123456789012:role/stack-mitosis")["stateMachineArn"]
    assert arn == MACHINE_ARN
    return str(arn)


@pytest.fixture
def start(sfn_client: Any, machine: str) -> Any:
    """start(name, target) -> the execution's DescribeExecution (its startDate is moto's clock)."""

    def run(name: str, target: str = "staging") -> dict[str, Any]:
        arn = sfn_client.start_execution(stateMachineArn=machine, name=name,
                                         input=json.dumps({"source": "production", "target": target}))["executionArn"]
        return dict(sfn_client.describe_execution(executionArn=arn))

    return run


def refresh(name: str, started: dt.datetime | str, target: str = "staging") -> dict[str, Any]:
    """Check no other refresh's event: Describe's output, with the execution from the context object."""
    started_text = started if isinstance(started, str) else started.isoformat()
    return {"request": {**REQUEST, "target": target}, "graph": {"region": REGION, "instances": []},
            "run": {"name": name, "started": started_text, "state_machine": MACHINE_ARN}}


def test_check_concurrency_lets_the_only_refresh_go_on(context, start):
    # Given this execution is the only one running (its own execution is among the running ones)
    mine = start("weekly")
    # When Check no other refresh runs
    result = check_concurrency.handler(refresh("weekly", mine["startDate"]), context)
    # Then it lets the refresh go on
    assert result == {"target": "staging", "running": False}


def test_check_concurrency_refuses_when_an_earlier_execution_refreshes_the_same_target(context, start):
    # Given an execution refreshing staging started before this one
    earlier = start("weekly")
    mine = start("by-hand")
    started = max(mine["startDate"], earlier["startDate"] + dt.timedelta(seconds=1))
    # When Check no other refresh runs
    with pytest.raises(RefreshAlreadyRunning) as raised:
        check_concurrency.handler(refresh("by-hand", started), context)
    # Then this one stops, naming the running one (the error type the state machine reports)
    assert type(raised.value).__name__ == "RefreshAlreadyRunning"
    assert "'weekly'" in str(raised.value)
    assert "'staging'" in str(raised.value)


def test_check_concurrency_lets_the_earlier_execution_go_on(context, start):
    # Given another execution refreshing staging, which started after this one
    later = start("by-hand")
    # When Check no other refresh runs in the earlier one
    result = check_concurrency.handler(refresh("weekly", later["startDate"] - dt.timedelta(seconds=1)), context)
    # Then the earlier one goes on (the later one is refused by its own check)
    assert result == {"target": "staging", "running": False}


def test_check_concurrency_ignores_a_refresh_of_another_target(context, start):
    # Given an earlier execution refreshing another target
    other = start("weekly-other", target="other-staging")
    # When Check no other refresh runs for staging
    result = check_concurrency.handler(refresh("by-hand", other["startDate"] + dt.timedelta(hours=1)), context)
    # Then it goes on: refreshes of different targets may run together
    assert result == {"target": "staging", "running": False}


def test_check_concurrency_ignores_an_execution_that_ended(context, sfn_client, start):
    # Given an earlier execution for staging that was stopped
    stopped = start("weekly")
    sfn_client.stop_execution(executionArn=stopped["executionArn"])
    # When Check no other refresh runs
    result = check_concurrency.handler(refresh("by-hand", stopped["startDate"] + dt.timedelta(hours=1)), context)
    # Then only running executions count
    assert result == {"target": "staging", "running": False}


def test_check_concurrency_compares_targets_as_rds_does_without_case(context, sfn_client, machine):
    # Given an earlier execution whose input names the target in capitals (RDS identifiers ignore case)
    arn = sfn_client.start_execution(stateMachineArn=machine, name="weekly",
                                     input=json.dumps({"source": "production", "target": "Staging"}))["executionArn"]
    started = sfn_client.describe_execution(executionArn=arn)["startDate"]
    # When / Then this execution for staging is refused
    with pytest.raises(RefreshAlreadyRunning, match="'weekly'"):
        check_concurrency.handler(refresh("by-hand", started + dt.timedelta(seconds=1)), context)


@pytest.mark.parametrize(("mine", "rival", "refused"), [
    pytest.param("b-by-hand", "a-weekly", True, id="rival-name-smaller"),
    pytest.param("a-by-hand", "b-weekly", False, id="own-name-smaller"),
])
def test_check_concurrency_of_two_executions_started_together_lets_the_smaller_name_go_on(
        context, stub, mine, rival, refused):
    # Given another execution for staging that started at the same instant, to the millisecond (the context object
    # gives the start as ISO 8601 text, DescribeExecution as a datetime)
    sfn = stub(check_concurrency, "sfn")
    execution = f"arn:aws:states:{REGION}:123456789012:execution:{MACHINE_NAME}:"
    instant = dt.datetime(2026, 1, 1, 3, 0, 0, 123000, tzinfo=dt.UTC)
    running = [{"executionArn": execution + name, "stateMachineArn": MACHINE_ARN, "name": name, "status": "RUNNING",
                "startDate": instant} for name in (mine, rival)]
    sfn.add_response("list_executions", {"executions": running},
                     {"stateMachineArn": MACHINE_ARN, "statusFilter": "RUNNING"})
    for entry in running:
        sfn.add_response("describe_execution", {**entry, "input": json.dumps(REQUEST)},
                         {"executionArn": entry["executionArn"]})
    event = refresh(mine, "2026-01-01T03:00:00.123Z")
    # When Check no other refresh runs
    if refused:
        # Then the one with the smaller name goes on: this one stops
        with pytest.raises(RefreshAlreadyRunning, match=f"'{rival}'"):
            check_concurrency.handler(event, context)
    else:
        assert check_concurrency.handler(event, context) == {"target": "staging", "running": False}


# --- discard and delete_old ----------------------------------------------------------------------------------

DELETERS = [pytest.param(discard, "temp-staging", id="discard"),
            pytest.param(delete_old, "old-staging", id="delete_old")]


@pytest.mark.parametrize(("module", "name"), DELETERS)
def test_delete_lifts_deletion_protection_then_deletes(context, create_instance, rds_client, live, rds_calls,
                                                       module, name):
    # Given a protected instance of ours (a copy or a retired instance keeps the protection of what it copied or held)
    create_instance(name)
    rds_client.modify_db_instance(DBInstanceIdentifier=name, DeletionProtection=True, ApplyImmediately=True)
    calls = rds_calls(delete_old)  # Discard shares Delete old's code and RDS adapter
    # When the handler runs
    event = {"DBInstanceIdentifier": name, "SkipFinalSnapshot": True}
    assert module.handler(event, context) == {"DBInstanceIdentifier": name, "action": "deleting"}
    # Then the protection was lifted first, then the instance deleted
    assert calls == ["DescribeDBInstances", "ModifyDBInstance", "DeleteDBInstance"]
    assert live(name) is None


@pytest.mark.parametrize(("module", "name"), DELETERS)
def test_delete_of_an_unprotected_instance_only_deletes(context, stub, module, name):
    # Given an unprotected instance (no ModifyDBInstance is scripted)
    rds = stub(delete_old, "rds")
    rds.add_response("describe_db_instances", described(name, DeletionProtection=False),
                     {"DBInstanceIdentifier": name})
    rds.add_response("delete_db_instance", {}, {"DBInstanceIdentifier": name, "SkipFinalSnapshot": True})
    # When / Then the handler deletes it, with the request as planned
    event = {"DBInstanceIdentifier": name, "SkipFinalSnapshot": True}
    assert module.handler(event, context) == {"DBInstanceIdentifier": name, "action": "deleting"}


@pytest.mark.parametrize(("module", "name"), DELETERS)
def test_delete_skips_an_instance_that_is_gone(context, rds_calls, module, name):
    calls = rds_calls(delete_old)
    event = {"DBInstanceIdentifier": name, "SkipFinalSnapshot": True}
    assert module.handler(event, context) == {"DBInstanceIdentifier": name, "action": "skipped"}
    assert calls == ["DescribeDBInstances"]


@pytest.mark.parametrize(("module", "name"), DELETERS)
def test_delete_skips_an_instance_already_being_deleted(context, stub, module, name):
    # Given the instance is deleting, still protected as RDS reports it (a retried invocation); nothing else scripted
    stub(delete_old, "rds").add_response("describe_db_instances", described(name, "deleting", DeletionProtection=True))
    # When / Then it is skipped, without a modify or a second delete
    event = {"DBInstanceIdentifier": name, "SkipFinalSnapshot": True}
    assert module.handler(event, context) == {"DBInstanceIdentifier": name, "action": "skipped"}


def test_delete_old_takes_the_final_snapshot_it_is_asked_for(context, create_instance, rds_client, live):
    # Given the retired primary
    create_instance("old-staging")
    # When Delete old runs with a final snapshot
    event = {"DBInstanceIdentifier": "old-staging", "FinalDBSnapshotIdentifier": "staging-final-run-1"}
    assert delete_old.handler(event, context) == {"DBInstanceIdentifier": "old-staging", "action": "deleting"}
    # Then the instance is gone, and its snapshot exists
    assert live("old-staging") is None
    [snapshot] = rds_client.describe_db_snapshots(DBSnapshotIdentifier="staging-final-run-1")["DBSnapshots"]
    assert snapshot["DBInstanceIdentifier"] == "old-staging"
    assert snapshot["SnapshotType"] == "manual"


# --- rename --------------------------------------------------------------------------------------------------

INSTALL = {"DBInstanceIdentifier": "temp-staging", "NewDBInstanceIdentifier": "staging", "ApplyImmediately": True,
           "PreferredMaintenanceWindow": "tue:01:00-tue:02:00", "DeletionProtection": True}
RETIRE = {"DBInstanceIdentifier": "staging", "NewDBInstanceIdentifier": "old-staging", "ApplyImmediately": True}
RETIRE_TAGS = [{"Key": TAG_TARGET, "Value": "staging"}, {"Key": TAG_NAME, "Value": "staging"},
               {"Key": TAG_REPLACED_BY, "Value": GENERATION}]


def test_rename_tags_the_old_instance_before_retiring_it(context, create_instance, live, rds_calls):
    # Given staging, the old data
    create_instance("staging", tags={"env": "staging"})
    calls = rds_calls(rename)
    # When Rename retires it
    event = {"rename": RETIRE, "tags": RETIRE_TAGS, "generation": GENERATION, "is_copy": False}
    assert rename.handler(event, context) == {"DBInstanceIdentifier": "old-staging", "action": "renamed"}
    # Then it was tagged before the rename, so a run that fails between the two still recognises it
    assert calls == ["DescribeDBInstances", "DescribeDBInstances", "AddTagsToResource", "ModifyDBInstance"]
    assert live("staging") is None
    assert live("old-staging")["TagList"] == [{"Key": "env", "Value": "staging"}, *RETIRE_TAGS]


def test_rename_installs_this_refreshs_copy_with_the_install_settings(context, create_instance, live, rds_calls):
    # Given this refresh's copy, and the name free
    create_instance("temp-staging", tags=COPY_TAGS)
    calls = rds_calls(rename)
    # When Rename installs it (no tags to add)
    event = {"rename": INSTALL, "generation": GENERATION, "is_copy": True}
    assert rename.handler(event, context) == {"DBInstanceIdentifier": "staging", "action": "renamed"}
    # Then the copy holds the name, with the settings that ride on the rename
    assert calls == ["DescribeDBInstances", "DescribeDBInstances", "ModifyDBInstance"]
    installed = live("staging")
    assert live("temp-staging") is None
    assert installed["PreferredMaintenanceWindow"] == "tue:01:00-tue:02:00"
    assert installed["DeletionProtection"] is True
    assert installed["TagList"] == tag_list(COPY_TAGS)


@pytest.mark.parametrize(("name", "tags", "event"), [
    pytest.param("temp-staging", {**COPY_TAGS, TAG_GENERATION: "run-0"},
                 {"rename": INSTALL, "generation": GENERATION, "is_copy": True}, id="copy-of-another-generation"),
    pytest.param("temp-staging", {"env": "staging"},
                 {"rename": INSTALL, "generation": GENERATION, "is_copy": True}, id="not-a-copy"),
    pytest.param("staging", COPY_TAGS,
                 {"rename": RETIRE, "tags": RETIRE_TAGS, "generation": GENERATION, "is_copy": False},
                 id="retiring-this-generations-copy"),
])
def test_rename_refuses_an_instance_the_plan_does_not_expect(context, create_instance, live, rds_calls, name, tags,
                                                              event):
    # Given the instance under the name to rename is not the one the plan expects
    create_instance(name, tags=tags)
    calls = rds_calls(rename)
    # When / Then Rename refuses (the error type the state machine reports), having only looked
    with pytest.raises(RenameRefused) as raised:
        rename.handler(event, context)
    assert type(raised.value).__name__ == "RenameRefused"
    assert f"'{name}'" in str(raised.value)
    assert calls == ["DescribeDBInstances", "DescribeDBInstances"]
    # And the instance is untouched: same name, no tag added
    assert live(name)["TagList"] == tag_list(tags)


def test_rename_refuses_when_neither_name_exists(context, rds_calls):
    calls = rds_calls(rename)
    with pytest.raises(RenameRefused):
        rename.handler({"rename": INSTALL, "generation": GENERATION, "is_copy": True}, context)
    assert calls == ["DescribeDBInstances", "DescribeDBInstances"]


# --- restore -------------------------------------------------------------------------------------------------

REINSTATE = {"DBInstanceIdentifier": "old-staging", "NewDBInstanceIdentifier": "staging", "ApplyImmediately": True,
             "DeletionProtection": True}
RESTORATION = {"name": "staging", "generation": GENERATION, "reinstate": REINSTATE, "install": INSTALL}
COPY = {"TagList": tag_list(COPY_TAGS)}


def restores_to_done(context: Any, limit: int = 5) -> list[str]:
    """Invoke Restore name as Step Functions does, retrying on NotReady, until it returns: the steps it took."""
    steps = []
    for _ in range(limit):
        try:
            assert restore.handler(RESTORATION, context) == {"name": "staging", "restored": True}
            return steps
        except NotReady as not_ready:
            steps.append(str(not_ready).rsplit(": ", 1)[-1])
    raise AssertionError(f"not restored after {steps}")


def test_restore_moves_the_copy_away_then_gives_the_name_back_to_the_old_instance(context, create_instance, live,
                                                                                 rds_calls):
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


def test_restore_installs_the_copy_when_no_old_instance_can_serve(context, create_instance, live):
    # Given the old instance is gone and this refresh's copy is still under its temp- name
    create_instance("temp-staging", tags=COPY_TAGS)
    # When Restore name runs until it is done
    assert restores_to_done(context) == [Restore.INSTALL_COPY.value]
    # Then the copy holds the name, with the install settings
    assert live("temp-staging") is None
    assert live("staging")["PreferredMaintenanceWindow"] == "tue:01:00-tue:02:00"
    assert live("staging")["DeletionProtection"] is True


@pytest.mark.usefixtures("world")
def test_restore_of_a_name_the_swap_never_reached_changes_nothing(context, rds_calls):
    calls = rds_calls(restore)
    assert restore.handler(RESTORATION, context) == {"name": "staging", "restored": True}
    assert calls == ["DescribeDBInstances"] * 3


@pytest.mark.parametrize("current_tags", [
    pytest.param({"env": "staging"}, id="old-data-under-both-names"),
    pytest.param({**COPY_TAGS, TAG_GENERATION: "run-0"}, id="copy-of-another-generation"),
])
def test_restore_fails_rather_than_move_an_instance_that_is_not_this_refreshs_copy(context, create_instance,
                                                                                   rds_calls, current_tags):
    # Given old-staging can serve, but the instance under staging is not this refresh's copy
    create_instance("staging", tags=current_tags)
    create_instance("old-staging")
    calls = rds_calls(restore)
    # When / Then Restore name fails for a person to look, having only looked
    with pytest.raises(RestoreFailed) as raised:
        restore.handler(RESTORATION, context)
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
    pytest.param(Restore.WAIT, described("staging", "failed", **COPY), described("old-staging"),
                 described("temp-staging", "deleting"), [], id="wait-deleting"),
    pytest.param(Restore.DONE, described("staging"), None, None, [], id="done"),
    pytest.param(Restore.LOST, None, None, None, [], id="lost-nothing-left"),
    pytest.param(Restore.LOST, None, described("old-staging", "failed"), described("temp-staging", "failed", **COPY),
                 [], id="lost-all-stuck"),
]


@pytest.mark.parametrize(("step", "current", "old", "temp", "calls"), STEPS)
def test_restore_makes_the_call_of_each_step(context, stub, step, current, old, temp, calls):
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
    assert restore_step(only(current), only(old), only(temp),
                        current_is_copy=current is not None and "TagList" in only(current)) is step
    # When Restore name runs
    if step is Restore.DONE:
        # Then it returns once the name is held by an available instance
        assert restore.handler(RESTORATION, context) == {"name": "staging", "restored": True}
    elif step is Restore.LOST:
        # Then it fails for a person to look, without touching anything
        with pytest.raises(RestoreFailed):
            restore.handler(RESTORATION, context)
    else:
        # Then it makes the step's calls (none while an instance is busy) and asks to be invoked again
        with pytest.raises(NotReady, match=step.value):
            restore.handler(RESTORATION, context)


# --- prune_snapshots -----------------------------------------------------------------------------------------


def test_prune_snapshots_keeps_the_newest_with_the_prefix_and_nothing_else(context, create_instance, rds_client):
    # Given four final snapshots of staging's old primaries, made one after another, and a snapshot of another kind
    create_instance("staging")
    for name in ("staging-final-run-1", "staging-final-run-2", "staging-final-run-3", "staging-final-run-4",
                 "staging-before-upgrade"):
        rds_client.create_db_snapshot(DBSnapshotIdentifier=name, DBInstanceIdentifier="staging")
    # When Prune final snapshots keeps 2
    result = prune_snapshots.handler({"prefix": "staging-final-", "keep": 2}, context)
    # Then the two oldest final snapshots are deleted, and only those
    assert result == {"kept": ["staging-final-run-4", "staging-final-run-3"],
                      "deleted": ["staging-final-run-2", "staging-final-run-1"]}
    left = {s["DBSnapshotIdentifier"] for s in rds_client.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]}
    assert left == {"staging-final-run-3", "staging-final-run-4", "staging-before-upgrade"}


def snapshot(name: str, minute: int | None, status: str = "available") -> dict[str, Any]:
    """A DescribeDBSnapshots entry; a snapshot still being created has no SnapshotCreateTime yet."""
    entry: dict[str, Any] = {"DBSnapshotIdentifier": name, "DBInstanceIdentifier": "old-staging",
                             "SnapshotType": "manual", "Status": status}
    if minute is not None:
        entry["SnapshotCreateTime"] = dt.datetime(2026, 1, 1, 0, minute, tzinfo=dt.UTC)
    return entry


def test_prune_snapshots_orders_by_creation_time_not_by_name(context, stub):
    # Given final snapshots whose names do not sort in the order they were made
    rds = stub(prune_snapshots, "rds")
    rds.add_response("describe_db_snapshots", {"DBSnapshots": [
        snapshot("staging-final-b", 1), snapshot("staging-final-a", 4), snapshot("staging-final-d", 2),
        snapshot("staging-final-c", 3)]}, {"SnapshotType": "manual"})
    for name in ("staging-final-d", "staging-final-b"):
        rds.add_response("delete_db_snapshot", {}, {"DBSnapshotIdentifier": name})
    # When / Then the two oldest are deleted
    assert prune_snapshots.handler({"prefix": "staging-final-", "keep": 2}, context) == {
        "kept": ["staging-final-a", "staging-final-c"], "deleted": ["staging-final-d", "staging-final-b"]}


def test_prune_snapshots_keeps_a_snapshot_still_being_created(context, stub):
    # Given a final snapshot still being created (no SnapshotCreateTime yet) among older ones
    rds = stub(prune_snapshots, "rds")
    rds.add_response("describe_db_snapshots", {"DBSnapshots": [
        snapshot("staging-final-run-1", 1), snapshot("staging-final-run-3", None, "creating"),
        snapshot("staging-final-run-2", 2)]}, {"SnapshotType": "manual"})
    rds.add_response("delete_db_snapshot", {}, {"DBSnapshotIdentifier": "staging-final-run-1"})
    # When / Then it counts as the newest: kept, and the oldest is deleted
    assert prune_snapshots.handler({"prefix": "staging-final-", "keep": 2}, context) == {
        "kept": ["staging-final-run-3", "staging-final-run-2"], "deleted": ["staging-final-run-1"]}


def test_prune_snapshots_deletes_nothing_while_there_are_no_more_than_it_keeps(context, create_instance, rds_client,
                                                                                rds_calls):
    create_instance("staging")
    rds_client.create_db_snapshot(DBSnapshotIdentifier="staging-final-run-1", DBInstanceIdentifier="staging")
    calls = rds_calls(prune_snapshots)
    assert prune_snapshots.handler({"prefix": "staging-final-", "keep": 2}, context) == {
        "kept": ["staging-final-run-1"], "deleted": []}
    assert calls == ["DescribeDBSnapshots"]
