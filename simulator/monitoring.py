"""The stack's monitoring, deployed in moto from the synthesized template: the notification topic and its email
subscriptions, the EventBridge rules with an event pattern (and their targets' input transformers), the
functions' resource policies that let EventBridge invoke them, the CloudWatch alarms and dashboards, and the
stack's outputs (answered by simulator.cloudformation: moto's CloudFormation needs packages this project does
not install).

Scheduled rules are not created: nothing in the simulation runs on a schedule (the runner starts executions).
What happens when an execution ends is simulator.eventbridge's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

from simulator.deployment import ACCOUNT_ID, resolve


@dataclass(frozen=True)
class Monitoring:
    topics: dict[str, str] = field(default_factory=dict)  # logical id -> topic ARN
    rules: dict[str, str] = field(default_factory=dict)  # logical id -> rule ARN
    alarms: list[str] = field(default_factory=list)
    dashboards: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)  # the stack's outputs, resolved


def deploy_monitoring(template: dict[str, Any], region: str, refs: dict[str, str]) -> Monitoring:
    """Create the template's monitoring resources in moto (inside an active mock_aws). `refs` gives the ARN of
    every logical id already deployed (the functions, the state machine); the ones created here are added."""
    resources = template["Resources"]
    refs = dict(refs)
    sns = boto3.client("sns", region_name=region)
    topics = {}
    # A topic the deployment names instead of creating one (cdk.json `notifications.topic_arn`) exists already
    # in a real account: here it is created, when it is in the simulated account and region.
    for _, resource in _of_type(resources, "AWS::Lambda::Function"):
        declared = resource["Properties"].get("Environment", {}).get("Variables", {}).get("TOPIC_ARN")
        if isinstance(declared, str) and declared.startswith(f"arn:aws:sns:{region}:{ACCOUNT_ID}:"):
            sns.create_topic(Name=declared.rsplit(":", 1)[1])
    for logical_id, resource in _of_type(resources, "AWS::SNS::Topic"):
        topics[logical_id] = refs[logical_id] = sns.create_topic(
            Name=resource["Properties"].get("TopicName", logical_id))["TopicArn"]
    for _, resource in _of_type(resources, "AWS::SNS::Subscription"):
        props = resolve(resource["Properties"], region, refs)
        sns.subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"])

    lambda_client = boto3.client("lambda", region_name=region)
    for logical_id, resource in _of_type(resources, "AWS::Lambda::Function"):
        variables = resource["Properties"].get("Environment", {}).get("Variables", {})
        if any(not isinstance(value, str) for value in variables.values()):
            lambda_client.update_function_configuration(
                FunctionName=logical_id[:64], Environment={"Variables": resolve(variables, region, refs)})

    events = boto3.client("events", region_name=region)
    rules = {}
    for logical_id, resource in _of_type(resources, "AWS::Events::Rule"):
        if "EventPattern" not in resource["Properties"]:
            continue  # a schedule
        props = resolve(resource["Properties"], region, refs)
        rules[logical_id] = refs[logical_id] = events.put_rule(
            Name=logical_id[:64], EventPattern=json.dumps(props["EventPattern"]), State=props.get("State", "ENABLED"),
            Description=props.get("Description", ""))["RuleArn"]
        events.put_targets(Rule=logical_id[:64], Targets=[
            {key: target[key] for key in ("Id", "Arn", "Input", "InputPath", "InputTransformer") if key in target}
            for target in props.get("Targets", [])])

    for logical_id, resource in _of_type(resources, "AWS::Lambda::Permission"):
        props = resolve(resource["Properties"], region, refs)
        if props["Principal"] != "events.amazonaws.com" or props.get("SourceArn") not in rules.values():
            continue
        lambda_client.add_permission(FunctionName=props["FunctionName"], StatementId=logical_id[:100],
                                     Action=props["Action"], Principal=props["Principal"],
                                     SourceArn=props["SourceArn"])

    cloudwatch = boto3.client("cloudwatch", region_name=region)
    alarms = []
    for logical_id, resource in _of_type(resources, "AWS::CloudWatch::Alarm"):
        props = resolve(resource["Properties"], region, refs)
        name = props.get("AlarmName", logical_id)
        cloudwatch.put_metric_alarm(AlarmName=name, **{key: props[key] for key in (
            "AlarmDescription", "AlarmActions", "OKActions", "ComparisonOperator", "EvaluationPeriods", "Threshold",
            "TreatMissingData", "Metrics", "MetricName", "Namespace", "Statistic", "Period", "Dimensions")
            if key in props})
        alarms.append(name)
        refs[logical_id] = f"arn:aws:cloudwatch:{region}:{ACCOUNT_ID}:alarm:{name}"
    dashboards = []
    for logical_id, resource in _of_type(resources, "AWS::CloudWatch::Dashboard"):
        props = resolve(resource["Properties"], region, refs)
        name = props.get("DashboardName", logical_id)
        cloudwatch.put_dashboard(DashboardName=name, DashboardBody=props["DashboardBody"])
        dashboards.append(name)

    outputs = {key: str(resolve(output["Value"], region, refs)) for key, output in template.get("Outputs", {}).items()}
    return Monitoring(topics=topics, rules=rules, alarms=alarms, dashboards=dashboards, outputs=outputs)


def _of_type(resources: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(logical_id, resource) for logical_id, resource in resources.items() if resource["Type"] == kind]
