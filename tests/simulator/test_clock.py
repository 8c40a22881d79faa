"""Virtual time for moto's Step Functions interpreter: timings, determinism, no leaks."""

from __future__ import annotations

import contextlib
import faulthandler
import io
import itertools
import json
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
from moto import mock_aws
from moto.awslambda.models import LambdaFunction
from moto.stepfunctions.parser.asl.component.program import program

from simulator.clock import VirtualClock

REGION = "us-east-1"
ROLE_POLICY = json.dumps(
    {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
)
Handler = Callable[[Any], Any]
MACHINE_NUMBERS = itertools.count()


@pytest.fixture(autouse=True)
def deadlock_guard() -> Iterator[None]:
    """A scheduler deadlock must fail the run (with every thread's stack) instead of hanging it."""
    faulthandler.dump_traceback_later(60, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _in_process_invoke(handlers: dict[str, Handler]) -> Callable[..., tuple[str, bool, str]]:
    """Replaces LambdaFunction._invoke_lambda (Docker) with a call to a Python function."""

    def invoke(function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
        try:
            return json.dumps(handlers[function.function_name](event)), False, ""
        except Exception as error:
            payload = {
                "errorMessage": str(error),
                "errorType": type(error).__name__,
                "stackTrace": traceback.format_tb(error.__traceback__),
            }
            return json.dumps(payload), True, ""

    return invoke


@contextlib.contextmanager
def simulated_aws(handlers: dict[str, Handler] | None = None) -> Iterator[VirtualClock]:
    """Fresh moto + clock, Lambda functions named after `handlers`; the test thread takes part."""
    handlers = handlers or {}
    clock = VirtualClock()
    with (
        mock_aws(config={"stepfunctions": {"execute_state_machine": True}}),
        mock.patch.object(LambdaFunction, "_invoke_lambda", _in_process_invoke(handlers)),
        clock.install(),
        clock.participate(),
    ):
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="lambda", AssumeRolePolicyDocument=ROLE_POLICY
        )["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("handler.py", "def handler(event, context): pass\n")
        for name in handlers:
            boto3.client("lambda", region_name=REGION).create_function(
                FunctionName=name,
                Runtime="python3.11",
                Role=role,
                Handler="handler.handler",
                Code={"ZipFile": code.getvalue()},
            )
        yield clock


def start(clock: VirtualClock, definition: dict[str, Any], payload: Any = None) -> str:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(
        name=f"machine{next(MACHINE_NUMBERS)}",
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/sfn",
    )["stateMachineArn"]
    return sfn.start_execution(stateMachineArn=machine, name="run", input=json.dumps(payload or {}))["executionArn"]


def execute(clock: VirtualClock, definition: dict[str, Any], payload: Any = None) -> tuple[dict, list[dict]]:
    """Run one execution to its end; returns describe_execution and the history events."""
    sfn = boto3.client("stepfunctions", region_name=REGION)
    execution = start(clock, definition, payload)
    clock.wait_for(
        lambda: sfn.describe_execution(executionArn=execution)["status"] != "RUNNING", poll=300, timeout=86400
    )
    events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    return sfn.describe_execution(executionArn=execution), events


def duration(description: dict) -> float:
    return (description["stopDate"] - description["startDate"]).total_seconds()


def wait_state(seconds: int) -> dict[str, Any]:
    return {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": seconds, "End": True}}}


MAP_THEN_PARALLEL = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 3,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "W",
                "States": {"W": {"Type": "Wait", "SecondsPath": "$.seconds", "End": True}},
            },
            "ResultPath": None,
            "Next": "Both",
        },
        "Both": {"Type": "Parallel", "Branches": [wait_state(600), wait_state(900)], "End": True},
    },
}
MAP_INPUT = {"items": [{"seconds": 600}, {"seconds": 1200}, {"seconds": 1800}]}


def map_of_waits(max_concurrency: int, seconds: int) -> dict[str, Any]:
    """A Map whose every item waits `seconds`; the items come from the input's "items"."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": max_concurrency,
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **wait_state(seconds)},
                "End": True,
            }
        },
    }


def test_map_then_parallel_takes_the_longest_item_plus_the_longest_branch() -> None:
    with simulated_aws() as clock:
        started = time.monotonic()  # moto's own start-up is no business of the clock
        description, events = execute(clock, MAP_THEN_PARALLEL, MAP_INPUT)
        real_seconds = time.monotonic() - started
    assert description["status"] == "SUCCEEDED"
    assert duration(description) == 1800 + 900
    assert (events[-1]["timestamp"] - events[0]["timestamp"]).total_seconds() == 2700
    assert real_seconds < 5


def test_retry_backs_off_in_virtual_time() -> None:
    class NotReady(Exception):
        pass

    attempts: list[float] = []

    def flaky(event: Any) -> dict[str, str]:
        attempts.append(clock.now())
        if len(attempts) <= 3:
            raise NotReady("not yet")
        return {"ok": "yes"}

    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": f"arn:aws:lambda:{REGION}:123456789012:function:flaky",
                "Retry": [{"ErrorEquals": ["NotReady"], "IntervalSeconds": 60, "BackoffRate": 2.0, "MaxAttempts": 5}],
                "End": True,
            }
        },
    }
    with simulated_aws({"flaky": flaky}) as clock:
        description, _ = execute(clock, definition)
    assert description["status"] == "SUCCEEDED"
    assert attempts == [0, 60, 180, 420]
    assert duration(description) == 60 + 120 + 240


def test_twelve_hours_of_waits_pass_on_the_virtual_clock_without_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Waits advance the virtual clock; nothing sleeps (how fast a run is, `make bench` measures)."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with simulated_aws() as clock:
        description, _ = execute(clock, map_of_waits(1, 300), {"items": list(range(144))})
    assert description["status"] == "SUCCEEDED"
    assert duration(description) == 12 * 3600
    assert sum(slept) < 1


def test_same_machine_gives_the_same_history_every_run() -> None:
    def history() -> list[tuple[str, Any, int, int]]:
        with simulated_aws() as clock:
            _, events = execute(clock, MAP_THEN_PARALLEL, MAP_INPUT)
        return [(e["type"], e["timestamp"], e["id"], e.get("previousEventId", 0)) for e in events]

    first = history()
    assert len(first) > 20
    assert history() == first


@pytest.mark.parametrize(("max_concurrency", "seconds"), [(1, 300), (2, 200), (0, 100)])
def test_map_runs_at_most_max_concurrency_items_at_once(max_concurrency: int, seconds: int) -> None:
    with simulated_aws() as clock:
        description, _ = execute(clock, map_of_waits(max_concurrency, 100), {"items": [1, 2, 3]})
    assert description["status"] == "SUCCEEDED"
    assert duration(description) == seconds


def test_failing_branch_fails_the_parallel_without_waiting_for_its_sibling() -> None:
    failing = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 100, "Next": "F"}, "F": {"Type": "Fail", "Error": "Boom"}},
    }
    definition = {
        "StartAt": "Both",
        "States": {"Both": {"Type": "Parallel", "Branches": [failing, wait_state(100_000)], "End": True}},
    }
    with simulated_aws() as clock:
        description, _ = execute(clock, definition)
        assert description["status"] == "FAILED"
        assert duration(description) == 100
        # The stopped sibling must neither hang the scheduler nor delay the next execution.
        description, _ = execute(clock, wait_state(50))
        assert description["status"] == "SUCCEEDED"
        assert duration(description) == 50


def test_timeouts_run_in_virtual_time() -> None:
    def slow(event: Any) -> dict[str, str]:
        clock.sleep(300)  # a handler may spend virtual time: the task's timeout then cuts it short
        return {}

    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": f"arn:aws:lambda:{REGION}:123456789012:function:slow",
                "TimeoutSeconds": 100,
                "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "After"}],
                "End": True,
            },
            "After": {"Type": "Wait", "Seconds": 10, "End": True},
        },
    }
    with simulated_aws({"slow": slow}) as clock:
        description, _ = execute(clock, definition)
        assert description["status"] == "SUCCEEDED"
        assert duration(description) == 110
        description, events = execute(clock, {**wait_state(1000), "TimeoutSeconds": 500})
        assert description["status"] == "TIMED_OUT"  # moto gives no stopDate for TIMED_OUT
        assert events[-1]["type"] == "ExecutionTimedOut"
        assert (events[-1]["timestamp"] - events[0]["timestamp"]).total_seconds() == 500


def test_task_token_callbacks_wait_in_virtual_time() -> None:
    tokens: list[str] = []
    definition = {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": "ask", "Payload": {"token.$": "$$.Task.Token"}},
                "End": True,
            }
        },
    }
    with simulated_aws({"ask": lambda event: tokens.append(event["token"])}) as clock:
        sfn = boto3.client("stepfunctions", region_name=REGION)
        execution = start(clock, definition)
        clock.sleep(250)
        sfn.send_task_success(taskToken=tokens[0], output='{"answer": 42}')
        clock.wait_for(lambda: sfn.describe_execution(executionArn=execution)["status"] != "RUNNING", timeout=10)
        description = sfn.describe_execution(executionArn=execution)
    assert description["status"] == "SUCCEEDED"
    assert duration(description) == 250


def test_install_exit_restores_moto_and_parks_unfinished_executions() -> None:
    original = program.threading
    with simulated_aws() as clock:
        assert program.threading is not original
        start(clock, {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "Next": "W"}}})
        clock.sleep(100)
    assert program.threading is original
    stopped_at = clock.now()
    time.sleep(0.2)  # an endless loop left running would race through virtual time meanwhile
    assert clock.now() == stopped_at
    with pytest.raises(RuntimeError):
        clock.sleep(1)
