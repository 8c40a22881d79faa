"""The simulated deployment's monitoring (simulator.monitoring, simulator.cloudformation): the synthesized stack's
topic, rule, alarm and dashboard created in moto, the Notify function told the topic, EventBridge allowed to
invoke it for the rule only, and the stack's outputs answered as CloudFormation's DescribeStacks answers them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infrastructure.settings import STACK_NAME, TOPIC_NAME
from simulator.account import simulated_account
from simulator.deployment import ACCOUNT_ID

WORLD: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "simulator" / "examples" / "world-example.json").read_text())

REGION = WORLD["region"]


@pytest.fixture(scope="module")
def deployed() -> Any:
    with simulated_account(copy.deepcopy(WORLD)) as account:
        yield account


def test_the_topic_the_rule_the_alarm_and_the_dashboard_are_in_the_account(deployed: Any) -> None:
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{TOPIC_NAME}"
    assert topic in [t["TopicArn"] for t in boto3.client("sns", region_name=REGION).list_topics()["Topics"]]
    events = boto3.client("events", region_name=REGION)
    [rule] = [r for r in events.list_rules()["Rules"] if "EventPattern" in r]
    pattern = json.loads(rule["EventPattern"])
    assert pattern["detail"]["stateMachineArn"] == [deployed.deployment.state_machine_arn]
    assert pattern["detail"]["status"] == ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
    [target] = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    assert target["Arn"].endswith(next(name for name in deployed.deployment.functions.values() if "Notify" in name))
    assert "InputTransformer" in target
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    [alarm] = cloudwatch.describe_alarms()["MetricAlarms"]
    assert alarm["AlarmActions"] == [topic]
    assert {m["MetricStat"]["Metric"]["MetricName"] for m in alarm["Metrics"] if "MetricStat" in m} == {
        "ExecutionsFailed", "ExecutionsTimedOut"}
    assert [d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]] == ["stack-mitosis"]


def test_notify_knows_the_topic_and_only_this_rule_may_invoke_it(deployed: Any) -> None:
    lambda_client = boto3.client("lambda", region_name=REGION)
    notify = next(name for name in deployed.deployment.functions.values() if "Notify" in name)
    variables = lambda_client.get_function_configuration(FunctionName=notify)["Environment"]["Variables"]
    assert variables["TOPIC_ARN"] == f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{TOPIC_NAME}"
    [statement] = json.loads(lambda_client.get_policy(FunctionName=notify)["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] in deployed.deployment.monitoring.rules.values()


def test_the_stacks_outputs_are_answered_as_cloudformation_does(deployed: Any) -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    [stack] = cloudformation.describe_stacks(StackName=STACK_NAME)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs == {"StateMachineArn": deployed.deployment.state_machine_arn,
                       "NotificationTopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{TOPIC_NAME}"}
    with pytest.raises(ClientError, match="Stack with id Other does not exist"):
        cloudformation.describe_stacks(StackName="Other")
