"""Operating it with nobody awake, as the synthesized stack has it: the notification topic, the rule on the state
machine's status changes that invokes Notify, the alarm, the dashboard, and the logs and traces.

AWS behaviours relied on: Step Functions sends "Step Functions Execution Status Change" events with source
`aws.states` for Standard workflows, best effort (https://docs.aws.amazon.com/eventbridge/latest/ref/
events-ref-states.html, https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html); the AWS/States
metrics ExecutionsFailed and ExecutionsTimedOut by StateMachineArn (https://docs.aws.amazon.com/step-functions/
latest/dg/procedure-cw-metrics.html); an input transformer's InputPathsMap and InputTemplate
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Match, Template
from pydantic import ValidationError

from infrastructure.app import STACK_NAME, build_app
from infrastructure.functions import Fn
from infrastructure.settings import DeploymentSettings

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

JOB = {"name": "demo", "source": "mitosis-prod", "target": "mitosis-demo"}
DECLARED_TOPIC = "arn:aws:sns:us-east-1:111122223333:ops-alerts"


def synthesized(notifications: dict[str, Any] | None = None) -> Template:
    context: dict[str, Any] = {"refresh_jobs": [JOB]}
    if notifications is not None:
        context["notifications"] = notifications
    return Template.from_stack(Stack.of(build_app(context).node.find_child(STACK_NAME)))


@pytest.fixture(scope="module")
def template() -> Template:
    return synthesized({"emails": ["ops@example.com", "dba@example.com"]})


def logical_id(template: Template, kind: str, properties: dict[str, Any] | None = None) -> str:
    found = template.find_resources(kind, {"Properties": properties} if properties else None)
    assert len(found) == 1, (kind, list(found))
    return next(iter(found))


def notify_function(template: Template) -> tuple[str, dict[str, Any]]:
    found = template.find_resources("AWS::Lambda::Function", {"Properties": {"Handler": Fn.NOTIFY.handler}})
    ((name, function),) = found.items()
    return name, dict(function)


def test_the_stack_creates_a_topic_that_takes_only_ssl_and_subscribes_the_declared_emails(template: Template) -> None:
    topic = logical_id(template, "AWS::SNS::Topic", {"TopicName": "stack-mitosis-notifications"})
    template.has_resource_properties("AWS::SNS::TopicPolicy", {"PolicyDocument": {"Statement": [Match.object_like({
        "Effect": "Deny", "Action": "sns:Publish", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]},
        "Topics": [{"Ref": topic}]})
    subscriptions = template.find_resources("AWS::SNS::Subscription")
    assert sorted((s["Properties"]["Protocol"], s["Properties"]["Endpoint"]) for s in subscriptions.values()) == [
        ("email", "dba@example.com"), ("email", "ops@example.com")]
    assert all(s["Properties"]["TopicArn"] == {"Ref": topic} for s in subscriptions.values())
    template.has_output("NotificationTopicArn", {"Value": {"Ref": topic}})


def test_a_rule_on_the_state_machines_ends_invokes_notify_with_the_envelope_every_handler_takes(
        template: Template) -> None:
    machine = logical_id(template, "AWS::StepFunctions::StateMachine")
    function, _ = notify_function(template)
    rules = template.find_resources("AWS::Events::Rule", {"Properties": {"EventPattern": Match.any_value()}})
    ((rule_id, rule),) = rules.items()
    assert rule["Properties"]["EventPattern"] == {
        "source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
        "detail": {"status": ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"], "stateMachineArn": [{"Ref": machine}]}}
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [function, "Arn"]}
    transformer = target["InputTransformer"]
    paths = transformer["InputPathsMap"]
    assert json.loads(transformer["InputTemplate"].replace("<detail>", '"$.detail"').replace(
        "<time>", '"$.time"').replace("<detail-name>", '"$.detail.name"')) == {
        "event": {"detail": "$.detail", "time": "$.time"}, "context": {"execution": "$.detail.name"}}
    assert paths == {"detail": "$.detail", "time": "$.time", "detail-name": "$.detail.name"}
    # and EventBridge may invoke the function, for this rule only
    template.has_resource_properties("AWS::Lambda::Permission", {
        "Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com",
        "FunctionName": {"Fn::GetAtt": [function, "Arn"]}, "SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}})


def test_notify_knows_the_topic_and_the_jobs_and_may_only_read_executions_and_publish(template: Template) -> None:
    topic = logical_id(template, "AWS::SNS::Topic")
    function, properties = notify_function(template)
    variables = properties["Properties"]["Environment"]["Variables"]
    assert variables["TOPIC_ARN"] == {"Ref": topic}
    assert [job["target"] for job in json.loads(variables["REFRESH_JOBS"])] == ["mitosis-demo"]
    role = properties["Properties"]["Role"]["Fn::GetAtt"][0]
    policies = template.find_resources("AWS::IAM::ManagedPolicy", {"Properties": {"Roles": [{"Ref": role}]}})
    allowed = sorted(action for policy in policies.values() for statement in
                     policy["Properties"]["PolicyDocument"]["Statement"] if statement["Effect"] == "Allow"
                     for action in (statement["Action"] if isinstance(statement["Action"], list)
                                    else [statement["Action"]]))
    assert allowed == ["sns:Publish", "states:DescribeExecution", "states:GetExecutionHistory"]


def test_an_alarm_on_failed_or_timed_out_executions_notifies_the_topic(template: Template) -> None:
    machine = logical_id(template, "AWS::StepFunctions::StateMachine")
    topic = logical_id(template, "AWS::SNS::Topic")
    alarm = template.find_resources("AWS::CloudWatch::Alarm")
    ((_, properties),) = alarm.items()
    props = properties["Properties"]
    assert props["AlarmActions"] == [{"Ref": topic}]
    assert (props["Threshold"], props["ComparisonOperator"], props["TreatMissingData"]) == (
        1, "GreaterThanOrEqualToThreshold", "notBreaching")
    metrics = {m["MetricStat"]["Metric"]["MetricName"]: m["MetricStat"] for m in props["Metrics"] if "MetricStat" in m}
    assert set(metrics) == {"ExecutionsFailed", "ExecutionsTimedOut"}
    for stat in metrics.values():
        assert stat["Metric"]["Namespace"] == "AWS/States" and stat["Stat"] == "Sum"
        assert stat["Metric"]["Dimensions"] == [{"Name": "StateMachineArn", "Value": {"Ref": machine}}]
    (expression,) = [m for m in props["Metrics"] if "Expression" in m]
    ids = {m["Id"]: m["MetricStat"]["Metric"]["MetricName"] for m in props["Metrics"] if "MetricStat" in m}
    assert sorted(ids[part.strip()] for part in expression["Expression"].split("+")) == [
        "ExecutionsFailed", "ExecutionsTimedOut"]


def test_the_dashboard_graphs_executions_the_alarm_durations_and_downtime(template: Template) -> None:
    dashboard = template.find_resources("AWS::CloudWatch::Dashboard")
    ((_, properties),) = dashboard.items()
    assert properties["Properties"]["DashboardName"] == "stack-mitosis"
    body = "".join(part if isinstance(part, str) else json.dumps(part)
                   for part in properties["Properties"]["DashboardBody"]["Fn::Join"][1])
    for shown in ("ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "alarm",
                  "RefreshDuration", "BuildDuration", "SwapDuration", "RestartDuration", "DeleteDuration",
                  "NameDowntime", "{StackMitosis,job,name,service,target}", "Errors"):
        assert shown in body, shown


def test_every_function_logs_to_a_group_of_its_own_kept_a_month_and_traces(template: Template) -> None:
    groups = template.find_resources("AWS::Logs::LogGroup")
    functions = template.find_resources("AWS::Lambda::Function")
    assert len(functions) == len(Fn)
    used = [function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] for function in functions.values()]
    assert len(set(used)) == len(Fn)
    assert all(groups[group]["Properties"]["RetentionInDays"] == 30 for group in used)
    assert all(function["Properties"]["TracingConfig"] == {"Mode": "Active"} for function in functions.values())
    template.has_resource_properties("AWS::StepFunctions::StateMachine", {
        "TracingConfiguration": {"Enabled": True},
        "LoggingConfiguration": Match.object_like({"Level": "ALL", "IncludeExecutionData": False})})


def test_a_declared_topic_is_used_instead_of_creating_one() -> None:
    template = synthesized({"topic_arn": DECLARED_TOPIC, "emails": ["ops@example.com"]})
    template.resource_count_is("AWS::SNS::Topic", 0)
    _, function = notify_function(template)
    assert function["Properties"]["Environment"]["Variables"]["TOPIC_ARN"] == DECLARED_TOPIC
    template.has_resource_properties("AWS::SNS::Subscription", {"TopicArn": DECLARED_TOPIC, "Protocol": "email"})
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmActions": [DECLARED_TOPIC]})
    template.has_resource_properties("AWS::IAM::ManagedPolicy", {"PolicyDocument": {"Statement": Match.array_with([
        Match.object_like({"Action": "sns:Publish", "Resource": DECLARED_TOPIC})])}})


@pytest.mark.parametrize("notifications", [
    {"emails": ["not an address"]},
    {"topic_arn": "arn:aws:sqs:us-east-1:111122223333:queue"},
    {"topic": DECLARED_TOPIC},
])
def test_notification_settings_are_checked(notifications: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DeploymentSettings.from_context({"refresh_jobs": [JOB], "notifications": notifications})
