"""Check no other refresh: one refresh per target at a time; of two started together, one goes on."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from mitosis.errors import RefreshAlreadyRunning
from mitosis.handlers import check_concurrency

from tests.functional.conftest import ACCOUNT, REGION, FakeLambdaContext, Json, Stub, envelope

MACHINE_NAME = "stack-mitosis-refresh"
MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{MACHINE_NAME}"
REQUEST = {"source": "production", "target": "staging"}
GOES_ON = {"target": "staging", "running": False}
Start = Callable[..., Json]


@pytest.fixture
def sfn_client(aws: None) -> Any:
    return boto3.client("stepfunctions", region_name=REGION)


@pytest.fixture
def machine(sfn_client: Any) -> str:
    """The refresh state machine with a trivial definition: plain moto runs nothing, so every execution started
    stays RUNNING until it is stopped."""
    definition = {"StartAt": "Nothing", "States": {"Nothing": {"Type": "Pass", "End": True}}}
    arn = sfn_client.create_state_machine(name=MACHINE_NAME, definition=json.dumps(definition),
                                          roleArn=f"arn:aws:iam::{ACCOUNT}:role/stack-mitosis")["stateMachineArn"]
    assert arn == MACHINE_ARN
    return str(arn)


@pytest.fixture
def start(sfn_client: Any, machine: str) -> Start:
    """start(name, target) -> the execution's DescribeExecution (its startDate is moto's clock)."""

    def run(name: str, target: str = "staging") -> Json:
        arn = sfn_client.start_execution(stateMachineArn=machine, name=name,
                                         input=json.dumps({"source": "production", "target": target}))["executionArn"]
        return dict(sfn_client.describe_execution(executionArn=arn))

    return run


def refresh(name: str, started: dt.datetime | str, target: str = "staging") -> Json:
    """Check no other refresh's envelope: Describe's output, with the execution from the context object."""
    started_text = started if isinstance(started, str) else started.isoformat()
    return envelope({"request": {**REQUEST, "target": target}, "graph": {"region": REGION, "instances": []},
                     "run": {"name": name, "started": started_text, "state_machine": MACHINE_ARN}},
                    target=target, execution=name)


def test_check_concurrency_lets_the_only_refresh_go_on(context: FakeLambdaContext, start: Start) -> None:
    # Given this execution is the only one running (its own execution is among the running ones)
    mine = start("weekly")
    # When Check no other refresh runs
    result = check_concurrency.handler(refresh("weekly", mine["startDate"]), context)
    # Then it lets the refresh go on
    assert result == GOES_ON


def test_check_concurrency_refuses_when_an_earlier_execution_refreshes_the_same_target(
        context: FakeLambdaContext, start: Start) -> None:
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


def test_check_concurrency_lets_the_earlier_execution_go_on(context: FakeLambdaContext, start: Start) -> None:
    # Given another execution refreshing staging, which started after this one
    later = start("by-hand")
    # When Check no other refresh runs in the earlier one
    result = check_concurrency.handler(refresh("weekly", later["startDate"] - dt.timedelta(seconds=1)), context)
    # Then the earlier one goes on (the later one is refused by its own check)
    assert result == GOES_ON


def test_check_concurrency_ignores_a_refresh_of_another_target(context: FakeLambdaContext, start: Start) -> None:
    # Given an earlier execution refreshing another target
    other = start("weekly-other", target="other-staging")
    # When Check no other refresh runs for staging
    result = check_concurrency.handler(refresh("by-hand", other["startDate"] + dt.timedelta(hours=1)), context)
    # Then it goes on: refreshes of different targets may run together
    assert result == GOES_ON


def test_check_concurrency_ignores_an_execution_that_ended(context: FakeLambdaContext, sfn_client: Any,
                                                           start: Start) -> None:
    # Given an earlier execution for staging that was stopped
    stopped = start("weekly")
    sfn_client.stop_execution(executionArn=stopped["executionArn"])
    # When Check no other refresh runs
    result = check_concurrency.handler(refresh("by-hand", stopped["startDate"] + dt.timedelta(hours=1)), context)
    # Then only running executions count
    assert result == GOES_ON


def test_check_concurrency_compares_targets_as_rds_does_without_case(context: FakeLambdaContext, sfn_client: Any,
                                                                     machine: str) -> None:
    # Given an earlier execution whose input names the target in capitals (RDS identifiers ignore case)
    arn = sfn_client.start_execution(stateMachineArn=machine, name="weekly",
                                     input=json.dumps({"source": "production", "target": "Staging"}))["executionArn"]
    started = sfn_client.describe_execution(executionArn=arn)["startDate"]
    # When / Then this execution for staging is refused
    with pytest.raises(RefreshAlreadyRunning, match="'weekly'"):
        check_concurrency.handler(refresh("by-hand", started + dt.timedelta(seconds=1)), context)


def test_check_concurrency_ignores_an_execution_whose_input_is_not_a_request(context: FakeLambdaContext,
                                                                             sfn_client: Any, machine: str) -> None:
    # Given an earlier execution started with an input that is not a JSON object (Describe refuses it)
    sfn_client.start_execution(stateMachineArn=machine, name="typo", input='"staging"')
    mine = sfn_client.start_execution(stateMachineArn=machine, name="by-hand", input=json.dumps(REQUEST))
    started = sfn_client.describe_execution(executionArn=mine["executionArn"])["startDate"]
    # When / Then this execution goes on
    assert check_concurrency.handler(refresh("by-hand", started + dt.timedelta(seconds=1)), context) == GOES_ON


@pytest.mark.parametrize(("mine", "rival", "refused"), [
    pytest.param("b-by-hand", "a-weekly", True, id="rival-name-smaller"),
    pytest.param("a-by-hand", "b-weekly", False, id="own-name-smaller"),
])
def test_check_concurrency_of_two_executions_started_together_lets_the_smaller_name_go_on(
        context: FakeLambdaContext, stub: Stub, mine: str, rival: str, refused: bool) -> None:
    # Given another execution for staging that started at the same instant, to the millisecond (the context object
    # gives the start as ISO 8601 text, DescribeExecution as a datetime)
    sfn = stub(check_concurrency, "sfn")
    execution = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{MACHINE_NAME}:"
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
        assert check_concurrency.handler(event, context) == GOES_ON
