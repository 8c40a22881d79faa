"""The simulated EventBridge (simulator.eventbridge): the event Step Functions sends, event patterns, and what a
rule's target is given, each as AWS documents it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from simulator.eventbridge import NotEmulated, execution_status_change, lookup, matches, transform

ARN = "arn:aws:states:us-east-1:012345678912:execution:state-machine-name:execution-name"
MACHINE = "arn:aws:states:us-east-1:012345678912:stateMachine:state-machine"
RULE = "arn:aws:events:us-east-1:012345678912:rule/notify"


def failed_execution(**changes: Any) -> dict[str, Any]:
    """DescribeExecution of AWS's FAILED example (https://docs.aws.amazon.com/step-functions/latest/dg/
    cw-events.html)."""
    return {"executionArn": ARN, "stateMachineArn": MACHINE, "name": "execution-name", "status": "FAILED",
            "startDate": dt.datetime(2019, 2, 26, 23, 52, 26, 847000, tzinfo=dt.UTC),
            "stopDate": dt.datetime(2019, 2, 26, 23, 52, 31, 881000, tzinfo=dt.UTC), "input": "{}", **changes}


def test_the_event_has_the_shape_of_awss_example() -> None:
    event = execution_status_change(failed_execution(), "us-east-1", "012345678912")
    assert {key: event[key] for key in ("version", "detail-type", "source", "account", "region", "resources")} == {
        "version": "0", "detail-type": "Step Functions Execution Status Change", "source": "aws.states",
        "account": "012345678912", "region": "us-east-1", "resources": [ARN]}
    assert event["detail"] == {"executionArn": ARN, "stateMachineArn": MACHINE, "name": "execution-name",
                               "status": "FAILED", "startDate": 1551225146847, "stopDate": 1551225151881,
                               "input": "{}", "inputDetails": {"included": True}, "output": None,
                               "outputDetails": None}
    assert event["time"] == "2019-02-26T23:52:31Z"  # when the status changed
    assert event["id"] == execution_status_change(failed_execution(), "us-east-1", "012345678912")["id"]


def test_a_running_event_has_no_stop_date_and_is_dated_at_the_start() -> None:
    event = execution_status_change({**failed_execution(status="RUNNING"), "stopDate": None}, "us-east-1", "0")
    assert event["detail"]["stopDate"] is None and event["time"] == "2019-02-26T23:52:26Z"


def test_input_too_large_for_the_event_is_left_out() -> None:
    # "If the combined escaped input and escaped output sent to EventBridge exceeds 248KB, then the input will be
    # excluded." (cw-events.html)
    big = json.dumps({"x": "a" * 200_000})
    event = execution_status_change(failed_execution(status="SUCCEEDED", input=big, output=big), "r", "a")
    assert event["detail"]["input"] is None and event["detail"]["inputDetails"] == {"included": False}
    assert event["detail"]["output"] == big and event["detail"]["outputDetails"] == {"included": True}


PATTERN = {"source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
           "detail": {"status": ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"], "stateMachineArn": [MACHINE]}}


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, True),
    ({"status": "RUNNING"}, False),  # not listed
    ({"status": "failed"}, False),  # exact, case-sensitive
    ({"stateMachineArn": MACHINE + "-2"}, False),  # another state machine
])
def test_a_pattern_matches_listed_values_only(changes: dict[str, Any], expected: bool) -> None:
    event = execution_status_change(failed_execution(**changes), "us-east-1", "012345678912")
    assert matches(PATTERN, event) is expected


def test_every_field_the_pattern_names_must_be_in_the_event_with_the_same_nesting() -> None:
    event = {"source": "aws.states", "detail": {"status": "FAILED"}}
    assert not matches({"source": ["aws.states"], "region": ["us-east-1"]}, event)
    assert not matches({"detail": {"status": {"nested": ["FAILED"]}}}, event)
    assert matches({"detail": {"status": ["FAILED"]}}, event)


def test_an_array_in_the_event_matches_when_any_element_does_and_numbers_compare_by_their_text() -> None:
    assert matches({"resources": [ARN]}, {"resources": ["other", ARN]})
    assert matches({"n": [300]}, {"n": 300}) and not matches({"n": [300.0]}, {"n": 300})
    assert matches({"v": [None]}, {"v": None}) and not matches({"v": ["null"]}, {"v": None})


@pytest.mark.parametrize("pattern", [{"status": [{"prefix": "FAIL"}]}, {"status": "FAILED"}])
def test_a_content_filter_is_not_guessed(pattern: dict[str, Any]) -> None:
    with pytest.raises(NotEmulated):
        matches(pattern, {"status": "FAILED"})


def test_paths_of_dot_notation_and_indices() -> None:
    event = execution_status_change(failed_execution(), "us-east-1", "0")
    assert lookup(event, "$.detail.name") == "execution-name"
    assert lookup(event, "$.resources[0]") == ARN
    assert lookup(event, "$") == event
    with pytest.raises(KeyError):
        lookup(event, "$.detail.missing")
    with pytest.raises(NotEmulated):
        lookup(event, "$..name")


def test_the_stacks_input_transformer_makes_the_envelope_of_a_handler() -> None:
    # The template CDK synthesizes for RuleTargetInput.from_object (tests/infrastructure/test_monitoring.py)
    transformer = {"InputPathsMap": {"detail": "$.detail", "time": "$.time", "detail-name": "$.detail.name"},
                   "InputTemplate": '{"event":{"detail":<detail>,"time":<time>},"context":{"execution":<detail-name>}}'}
    event = execution_status_change(failed_execution(), "us-east-1", "012345678912")
    assert json.loads(transform(transformer, event, RULE, "notify")) == {
        "event": {"detail": event["detail"], "time": event["time"]}, "context": {"execution": "execution-name"}}


def test_a_value_inside_a_string_is_inserted_as_it_is() -> None:
    # The User Guide's examples: `"state": "<state>"` and `"instance \"<instance>\" is in <state>"`
    event = {"detail": {"instance-id": "i-0123456789", "state": "RUNNING"}}
    transformer = {"InputPathsMap": {"instance": "$.detail.instance-id", "state": "$.detail.state"},
                   "InputTemplate": '{"instance": <instance>, "state": "<state>", '
                                    '"instanceStatus": "instance \\"<instance>\\" is in <state>", "rule": '
                                    '<aws.events.rule-name>}'}
    assert json.loads(transform(transformer, event, RULE, "notify")) == {
        "instance": "i-0123456789", "state": "RUNNING", "instanceStatus": 'instance "i-0123456789" is in RUNNING',
        "rule": "notify"}
