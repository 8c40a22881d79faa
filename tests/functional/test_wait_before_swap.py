"""Before-swap hook done?: every part of the hook (the ECS task, or each SSM invocation) ended in success, within
its timeout. A failure stops the refresh before the swap, saying the target was not touched."""

from __future__ import annotations

import pytest
from mitosis.errors import HookFailed, MitosisError, NotReady
from mitosis.handlers import wait_before_swap

from tests.functional.conftest import (
    COMMAND_ID,
    SSM_TARGETS,
    FakeLambdaContext,
    Json,
    Stub,
    envelope,
    hook_check,
    ssm_progress,
)

TASK_ARN = "arn:aws:ecs:us-west-2:123456789012:task/jobs/0123456789abcdef0123456789abcdef"
TASK_RUN = {"type": "ecs_task", "cluster": "jobs", "task_arn": TASK_ARN, "timeout_s": 3600}
SSM_RUN = {"type": "ssm", "command_id": COMMAND_ID, "targets": SSM_TARGETS, "timeout_s": 1800}
UNTOUCHED = "The target was not touched"


def task_is(stub: Stub, *tasks: Json) -> None:
    stub(wait_before_swap, "ecs").add_response("describe_tasks", {"tasks": list(tasks), "failures": []},
                                               {"cluster": "jobs", "tasks": [TASK_ARN]})


def task(last_status: str, *exit_codes: int | None) -> Json:
    containers = [{"name": f"c{n}", **({"exitCode": code} if code is not None else {})}
                  for n, code in enumerate(exit_codes)]
    return {"taskArn": TASK_ARN, "lastStatus": last_status, "containers": containers}


def test_wait_before_swap_is_done_once_the_task_stopped_with_exit_code_0(context: FakeLambdaContext,
                                                                         stub: Stub) -> None:
    # Given the task stopped, every container having exited 0
    task_is(stub, task("STOPPED", 0, 0))
    # When / Then the hook is done
    assert wait_before_swap.handler(envelope(hook_check(TASK_RUN)), context) == {TASK_ARN: "Success"}


@pytest.mark.parametrize("status", ["PROVISIONING", "PENDING", "RUNNING", "DEACTIVATING", "STOPPING"])
def test_wait_before_swap_is_not_ready_while_the_task_runs(context: FakeLambdaContext, stub: Stub,
                                                           status: str) -> None:
    # Given the task has not stopped yet
    task_is(stub, task(status, None))
    # When / Then the check asks to be retried
    with pytest.raises(NotReady, match="InProgress"):
        wait_before_swap.handler(envelope(hook_check(TASK_RUN)), context)


@pytest.mark.parametrize("tasks", [
    pytest.param([task("STOPPED", 0, 1)], id="non-zero-exit-code"),
    pytest.param([task("STOPPED", None)], id="never-started"),
    pytest.param([task("STOPPED")], id="no-container"),
    pytest.param([], id="task-gone"),
])
def test_wait_before_swap_fails_when_the_task_did_not_succeed(context: FakeLambdaContext, stub: Stub,
                                                              tasks: list[Json]) -> None:
    # Given the task stopped without every container exiting 0, or ECS no longer knows it
    task_is(stub, *tasks)
    # When / Then the refresh stops before the swap, saying the target was not touched
    with pytest.raises(HookFailed, match=UNTOUCHED) as raised:
        wait_before_swap.handler(envelope(hook_check(TASK_RUN)), context)
    assert type(raised.value).__name__ == "HookFailed"
    assert f"'{TASK_ARN}': 'Failed'" in str(raised.value)


@pytest.mark.parametrize(("statuses", "outcome"), [
    pytest.param(("Success", "Success"), None, id="success"),
    pytest.param(("Success", "InProgress"), NotReady, id="in-progress"),
    pytest.param(("Success", "Failed"), HookFailed, id="failed"),
    pytest.param(("TimedOut", "InProgress"), HookFailed, id="timed-out"),
])
def test_wait_before_swap_ssm(context: FakeLambdaContext, stub: Stub, statuses: tuple[str, ...],
                              outcome: type[MitosisError] | None) -> None:
    # Given the invocations of the command are in the given statuses
    ssm_progress(stub(wait_before_swap, "ssm"), statuses)
    # When Before-swap hook done? runs
    if outcome is None:
        # Then it returns once the command succeeded everywhere
        assert wait_before_swap.handler(envelope(hook_check(SSM_RUN)), context) == {
            f"i-{n:017x}": "Success" for n in range(len(statuses))}
    else:
        # Then it asks to be retried, or fails as soon as one invocation failed
        with pytest.raises(outcome) as raised:
            wait_before_swap.handler(envelope(hook_check(SSM_RUN)), context)
        assert type(raised.value).__name__ == outcome.__name__


def test_wait_before_swap_fails_at_once_when_the_command_ended_without_reaching_a_node(context: FakeLambdaContext,
                                                                                       stub: Stub) -> None:
    # Given the command ended without any invocation: its targets matched no managed node
    ssm_progress(stub(wait_before_swap, "ssm"), (), command_status="Success")
    # When / Then the hook fails at the first check, naming the targets, the target untouched
    with pytest.raises(HookFailed) as raised:
        wait_before_swap.handler(envelope(hook_check(SSM_RUN)), context)
    assert "no SSM managed node matches the targets tag:app=demo" in str(raised.value)
    assert UNTOUCHED in str(raised.value)


def test_wait_before_swap_is_not_ready_while_the_command_reaches_its_targets(context: FakeLambdaContext,
                                                                             stub: Stub) -> None:
    # Given the command has no invocation yet, and is still pending
    ssm_progress(stub(wait_before_swap, "ssm"), (), command_status="Pending")
    # When / Then the check asks to be retried
    with pytest.raises(NotReady, match="not started yet"):
        wait_before_swap.handler(envelope(hook_check(SSM_RUN)), context)


@pytest.mark.parametrize(("retry_count", "outcome"), [
    pytest.param(118, NotReady, id="within-timeout"),
    pytest.param(119, HookFailed, id="timed-out"),
])
def test_wait_before_swap_fails_once_the_task_runs_longer_than_its_timeout(context: FakeLambdaContext, stub: Stub,
                                                                           retry_count: int,
                                                                           outcome: type[MitosisError]) -> None:
    # Given the task still running after 30 s + `retry_count` checks 30 s apart (its timeout is 3600 s)
    task_is(stub, task("RUNNING", None))
    # When / Then the check waits until the hook's timeout, then fails
    with pytest.raises(outcome) as raised:
        wait_before_swap.handler(envelope(hook_check(TASK_RUN, retry_count=retry_count)), context)
    if outcome is HookFailed:
        assert "did not finish within 3600 s" in str(raised.value)
        assert UNTOUCHED in str(raised.value)
