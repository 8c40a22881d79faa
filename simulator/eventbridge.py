"""EventBridge's default event bus, for what Step Functions sends it: moto's Step Functions emits no events, so
the runner puts an "Step Functions Execution Status Change" event on this bus when an execution starts and when
it ends, and the bus does what EventBridge does with it.

- The event is built as AWS documents it (Step Functions Developer Guide, "EventBridge (CloudWatch Events) for
  Step Functions execution status changes", https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html):
  source `aws.states`, detail-type "Step Functions Execution Status Change", the execution's ARN as its only
  resource, and a `detail` with "the same information as the DescribeExecution API" (dates in epoch
  milliseconds, input and output as JSON text, each left out when it makes the event too large).
- Every enabled rule of the bus (moto's EventBridge holds what the deployment created) whose event pattern
  matches it sends it to each of its targets. Patterns are matched as the EventBridge User Guide says ("Amazon
  EventBridge event patterns", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
  every field the pattern names must be in the event, with the same nesting; a field's value must be one of the
  listed values (exact, case-sensitive strings; numbers by their JSON text; an array in the event matches when
  any element does). Content filters (prefix, anything-but, numeric, exists...) are not emulated: a pattern
  using one raises NotEmulated rather than guess.
- A target's input is the event itself, its `Input`, its `InputPath`, or its input transformer's template
  filled as the User Guide says ("Amazon EventBridge input transformation",
  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html): a variable is a
  JSON path of dot notation and array indices; outside a string it becomes the value as JSON (a string with its
  quotes), inside a string the value as it is, unescaped.
- Only Lambda functions are emulated as targets, and only when the function's resource policy lets
  events.amazonaws.com invoke it for that rule (what the AWS::Lambda::Permission CDK adds does): the function is
  invoked through moto's Lambda, so its handler runs in-process with its AWS calls recorded and IAM-enforced
  like every other function's. EventBridge invokes a function asynchronously; here the invocation completes
  before the bus returns, and its error, if any, is returned instead of retried.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3

DETAIL_TYPE = "Step Functions Execution Status Change"
# "If the combined escaped input and escaped output sent to EventBridge exceeds 248KB, then the input will be
# excluded. Similarly, if the escaped output exceeds 248KB, then the output will be excluded." (cw-events.html)
MAX_DATA = 248 * 1024
_PATH_PART = re.compile(r"\.([A-Za-z0-9_/-]+)|\[(\d+)\]")
_VARIABLE = re.compile(r"<([A-Za-z0-9_.-]+)>")


class NotEmulated(NotImplementedError):
    """A pattern, path or target the emulation does not implement: refused rather than guessed."""


def _millis(value: dt.datetime | str | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(round(value.timestamp() * 1000))


def execution_status_change(description: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    """The event Step Functions sends when an execution's status changes, from its DescribeExecution."""
    status = str(description["status"])
    changed = description.get("stopDate") if status != "RUNNING" else description["startDate"]
    data = {"input": description.get("input"), "output": description.get("output")}
    escaped = {key: len(json.dumps(value)) if value is not None else 0 for key, value in data.items()}
    included = {"input": escaped["input"] + escaped["output"] <= MAX_DATA, "output": escaped["output"] <= MAX_DATA}
    detail = {
        "executionArn": description["executionArn"],
        "stateMachineArn": description["stateMachineArn"],
        "name": description["name"],
        "status": status,
        "startDate": _millis(description["startDate"]),
        "stopDate": _millis(description.get("stopDate")),
        "input": data["input"] if included["input"] else None,
        "output": data["output"] if included["output"] else None,
        "inputDetails": {"included": included["input"]},
        "outputDetails": {"included": included["output"]} if data["output"] is not None else None,
    }
    at = dt.datetime.fromtimestamp((_millis(changed) or 0) / 1000, dt.UTC)
    return {
        "version": "0",
        # Unique per event, and the same on every run of the same simulation.
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{description['executionArn']}#{status}")),
        "detail-type": DETAIL_TYPE,
        "source": "aws.states",
        "account": account,
        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [description["executionArn"]],
        "detail": detail,
    }


# --- event patterns -------------------------------------------------------------------------------------------

def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether an event pattern matches an event (exact values and nesting; see the module's docstring)."""
    for key, expected in pattern.items():
        if key not in event:
            return False
        value = event[key]
        if isinstance(expected, Mapping):
            if not isinstance(value, Mapping) or not matches(expected, value):
                return False
        elif isinstance(expected, list):
            if any(isinstance(item, Mapping | list) for item in expected):
                raise NotEmulated(f"content filter in the pattern for {key!r}: {expected!r}")
            values = value if isinstance(value, list) else [value]
            if not any(_same(allowed, actual) for allowed in expected for actual in values):
                return False
        else:
            raise NotEmulated(f"a pattern's values are listed in an array: {key!r}: {expected!r}")
    return True


def _same(allowed: Any, actual: Any) -> bool:
    if isinstance(allowed, str) or isinstance(actual, str):
        return isinstance(allowed, str) and isinstance(actual, str) and allowed == actual
    return bool(json.dumps(allowed) == json.dumps(actual))  # numbers by their representation; true, false, null


# --- target input ---------------------------------------------------------------------------------------------

def lookup(event: Any, path: str) -> Any:
    """The value at a JSON path of dot notation and array indices (`$`, `$.detail.name`, `$.resources[0]`);
    NotEmulated for other syntax, KeyError when the event has no such value."""
    if not path.startswith("$"):
        raise NotEmulated(f"JSON path {path!r}")
    rest, value = path[1:], event
    while rest:
        part = _PATH_PART.match(rest)
        if part is None:
            raise NotEmulated(f"JSON path {path!r}")
        name, index = part.groups()
        if name is not None:
            if not isinstance(value, Mapping) or name not in value:
                raise KeyError(path)
            value = value[name]
        else:
            if not isinstance(value, list) or int(index) >= len(value):
                raise KeyError(path)
            value = value[int(index)]
        rest = rest[part.end():]
    return value


def transform(transformer: Mapping[str, Any], event: Mapping[str, Any], rule_arn: str, rule_name: str) -> str:
    """An input transformer's output for this event."""
    values: dict[str, Any] = {"aws.events.rule-arn": rule_arn, "aws.events.rule-name": rule_name,
                              "aws.events.event.ingestion-time": event.get("time"), "aws.events.event.json": event}
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        try:
            values[name] = lookup(event, path)
        except KeyError:
            pass  # "that variable isn't created"
    template = str(transformer["InputTemplate"])
    filled: list[str] = []
    position, in_string = 0, False
    while position < len(template):
        char = template[position]
        if in_string and char == "\\":
            filled.append(template[position:position + 2])
            position += 2
            continue
        if char == '"':
            in_string = not in_string
        elif char == "<" and (variable := _VARIABLE.match(template, position)):
            name = variable.group(1)
            if name not in values:
                raise NotEmulated(f"input template variable <{name}> has no value in this event")
            value = values[name]
            filled.append(str(value) if in_string and isinstance(value, str) else json.dumps(value))
            position = variable.end()
            continue
        filled.append(char)
        position += 1
    return "".join(filled)


def target_input(target: Mapping[str, Any], event: Mapping[str, Any], rule_arn: str, rule_name: str) -> str:
    if "InputTransformer" in target:
        return transform(target["InputTransformer"], event, rule_arn, rule_name)
    if "Input" in target:
        return str(target["Input"])
    if "InputPath" in target:
        return json.dumps(lookup(event, target["InputPath"]))
    return json.dumps(event)


# --- the bus --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    """An event sent to a target: the input it got, and the function's error (None when it succeeded)."""

    rule: str
    target: str
    input: str
    error: str | None = None


class EventBus:
    """The default event bus of the simulated account (inside an active mock_aws)."""

    def __init__(self, region: str) -> None:
        self.events = boto3.client("events", region_name=region)
        self.lambda_ = boto3.client("lambda", region_name=region)

    def put(self, event: Mapping[str, Any]) -> list[Delivery]:
        """Send the event to every target of every enabled rule that matches it, in the rules' order."""
        deliveries = []
        for rule in self.events.list_rules(EventBusName="default")["Rules"]:
            if rule.get("State") != "ENABLED" or "EventPattern" not in rule:
                continue
            if not matches(json.loads(rule["EventPattern"]), event):
                continue
            for target in self.events.list_targets_by_rule(Rule=rule["Name"])["Targets"]:
                deliveries.append(self._deliver(rule, target, event))
        return deliveries

    def _deliver(self, rule: Mapping[str, Any], target: Mapping[str, Any], event: Mapping[str, Any]) -> Delivery:
        arn = str(target["Arn"])
        if ":lambda:" not in arn:
            raise NotEmulated(f"rule {rule['Name']}: target {arn} is not a Lambda function")
        payload = target_input(target, event, rule["Arn"], rule["Name"])
        if not self._may_invoke(arn, rule["Arn"]):
            return Delivery(rule=rule["Name"], target=arn, input=payload, error=(
                "AccessDenied: the function's resource policy does not allow events.amazonaws.com to invoke it "
                f"for {rule['Arn']}"))
        response = self.lambda_.invoke(FunctionName=arn, InvocationType="RequestResponse", Payload=payload)
        error = None
        if response.get("FunctionError"):
            result = json.loads(response["Payload"].read() or b"{}")
            error = f"{result.get('errorType', 'Error')}: {result.get('errorMessage', '')}"
        return Delivery(rule=rule["Name"], target=arn, input=payload, error=error)

    def _may_invoke(self, function_arn: str, rule_arn: str) -> bool:
        """Whether a statement of the function's resource policy allows EventBridge to invoke it for the rule."""
        try:
            policy = json.loads(self.lambda_.get_policy(FunctionName=function_arn)["Policy"])
        except self.lambda_.exceptions.ResourceNotFoundException:
            return False
        for statement in policy.get("Statement", []):
            principal = statement.get("Principal", {})
            service = principal.get("Service") if isinstance(principal, Mapping) else principal
            source = (statement.get("Condition") or {}).get("ArnLike", {}).get("AWS:SourceArn")
            if (statement.get("Effect") == "Allow" and service == "events.amazonaws.com"
                    and statement.get("Action") in ("lambda:InvokeFunction", ["lambda:InvokeFunction"])
                    and source in (None, rule_arn)):
                return True
        return False
