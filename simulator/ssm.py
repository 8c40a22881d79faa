"""Simulated SSM Run Command and managed nodes: SendCommand, ListCommands, ListCommandInvocations,
GetCommandInvocation and DescribeInstanceInformation (other SSM calls go to moto).

moto's Run Command finishes every command at once, lacks ListCommandInvocations and, when Targets is omitted,
invokes every EC2 instance. Here the world's running EC2 instances are the managed nodes. A command has one
invocation per targeted instance: its InstanceIds, or the managed nodes that every one of its Targets matches
(`InstanceIds`, `tag:<key>`, `tag-key`). Invocations are `InProgress` for `ssm_command` virtual seconds (the
SendCommand response says `Pending`, as AWS does), then `Success`, or the status of an `ssm:command` fault whose
`match` fits the SendCommand request (`Failed`, `TimedOut`, `Cancelled`: CommandInvocationStatus values).
Targets that match no managed node give a command that ends at once `Success` with StatusDetails "No Instances
In Tag", TargetCount 0 and no invocations (the Systems Manager User Guide, "Understanding command statuses":
"No Instances In Tag ... This is a terminal state."; the Status that goes with it is undocumented, moto also
says Success). Command ids come from a counter, so runs are reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends

from simulator.faults import AwsError
from simulator.latency import Latency, to_datetime

Forward = Callable[[str, dict[str, Any]], dict[str, Any]]
PLUGIN = "aws:runShellScript"
STATUS_DETAILS = {"TimedOut": "ExecutionTimedOut"}  # otherwise the status itself
RESPONSE_CODES = {"Success": 0, "Failed": 1}  # otherwise -1, as for an invocation that did not run to its end
# Command.StatusDetails texts (botocore ssm service model): "In Progress", "Execution Timed Out"...
COMMAND_DETAILS = {"InProgress": "In Progress", "TimedOut": "Execution Timed Out"}
NO_INSTANCES = "No Instances In Tag"
ERRORS = frozenset({"Failed", "TimedOut"})  # Command.ErrorCount: "the status is Failed or Execution Timed Out"
NODE_FILTERS = frozenset({"InstanceIds", "PingStatus", "PlatformTypes", "ResourceType", "SourceIds", "SourceTypes"})
OK = {"ResponseMetadata": {"HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}}


@dataclass
class Command:
    command_id: str
    request: dict[str, Any]
    instance_ids: list[str]
    requested: float
    ends: float
    outcome: str

    def status(self, now: float) -> str:
        """The status of each of its invocations."""
        return "InProgress" if now < self.ends else self.outcome

    def describe(self, now: float) -> dict[str, Any]:
        """The command as ListCommands shows it (botocore ssm service model, Command)."""
        status, targets = self.status(now), len(self.instance_ids)
        done = status != "InProgress"
        details = NO_INSTANCES if not targets else COMMAND_DETAILS.get(status, status)
        return {
            "CommandId": self.command_id,
            "DocumentName": self.request["DocumentName"],
            "DocumentVersion": "$DEFAULT",
            "Comment": self.request.get("Comment", ""),
            "Parameters": self.request.get("Parameters", {}),
            "InstanceIds": self.request.get("InstanceIds", []),
            "Targets": self.request.get("Targets", []),
            "RequestedDateTime": to_datetime(self.requested),
            "Status": status,
            "StatusDetails": details,
            "TimeoutSeconds": self.request.get("TimeoutSeconds", 3600),
            "TargetCount": targets,
            "CompletedCount": targets if done else 0,
            "ErrorCount": targets if done and status in ERRORS else 0,
            "DeliveryTimedOutCount": 0,
            "MaxConcurrency": self.request.get("MaxConcurrency", "50"),
            "MaxErrors": self.request.get("MaxErrors", "0"),
        }


class SsmSimulator:
    def __init__(
        self,
        region: str,
        now: Callable[[], float],
        latency: Callable[[], Latency],
        command_fault: Callable[[Mapping[str, Any]], str | None],
    ) -> None:
        self.region = region
        self._now = now
        self._latency = latency
        self._command_fault = command_fault
        self._commands: dict[str, Command] = {}

    def call(self, operation: str, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        if operation == "SendCommand":
            return {"Command": self._send(params), **OK}
        if operation == "ListCommands":
            return {**self._list_commands(params), **OK}
        if operation == "DescribeInstanceInformation":
            return {**self._instance_information(params), **OK}
        if operation == "ListCommandInvocations":
            return {"CommandInvocations": self._list(params), **OK}
        if operation == "GetCommandInvocation":
            return {**self._invocation(params), **OK}
        return forward(operation, params)

    def _targets(self, params: Mapping[str, Any]) -> list[str]:
        ec2 = ec2_backends[DEFAULT_ACCOUNT_ID][self.region]
        filters: dict[str, list[str]] = {"instance-state-name": ["pending", "running"]}
        named, targets = params.get("InstanceIds"), params.get("Targets")
        if bool(named) == bool(targets):
            raise AwsError("InvalidParameters", "Specify either InstanceIds or Targets.")
        if named:
            filters["instance-id"] = list(named)
        for target in targets or []:
            key = target["Key"]
            if key == "InstanceIds":
                filters["instance-id"] = list(target["Values"])
            elif key.startswith("tag:") or key == "tag-key":
                filters[key] = list(target["Values"])
            else:
                raise AwsError(
                    "InvalidParameters",
                    f"The simulator supports InstanceIds, tag:<key> and tag-key targets, not {key}.",
                )
        found = [i.id for r in ec2.all_reservations(filters=filters) for i in r.instances]
        missing = sorted(set(named or []) - set(found))
        if missing:
            raise AwsError(
                "InvalidInstanceId", f"Instances {missing} not in a valid state for account {DEFAULT_ACCOUNT_ID}"
            )
        return list(named) if named else found

    def _send(self, params: dict[str, Any]) -> dict[str, Any]:
        instance_ids = self._targets(params)
        now = self._now()
        command_id = f"{len(self._commands) + 1:08x}-0000-4000-8000-000000000000"
        ends = now + self._latency().ssm_command if instance_ids else now
        outcome = self._command_fault(params) or "Success"
        outcome = outcome if instance_ids else "Success"
        command = Command(command_id, dict(params), instance_ids, now, ends, outcome)
        self._commands[command_id] = command
        return {**command.describe(now), "Status": "Pending", "StatusDetails": "Pending", "CompletedCount": 0,
                "ErrorCount": 0}

    def _list_commands(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """ListCommands: CommandId, InstanceId, Filters (InvokedAfter, InvokedBefore, Status, ExecutionStage,
        DocumentName), MaxResults (1-50) and NextToken."""
        now = self._now()
        commands = (
            [self._command(params["CommandId"], "InvalidCommandId")]
            if "CommandId" in params
            else list(self._commands.values())
        )
        if "InstanceId" in params:
            commands = [c for c in commands if params["InstanceId"] in c.instance_ids]
        described = [c.describe(now) for c in commands]
        for condition in params.get("Filters", []):
            key, value = condition["key"], condition["value"]
            if key == "Status":
                described = [c for c in described
                             if value in (c["Status"], c["StatusDetails"].replace(" ", ""))]
            elif key == "DocumentName":
                described = [c for c in described if c["DocumentName"] == value]
            elif key == "ExecutionStage":
                running = value == "Executing"
                described = [c for c in described if (c["Status"] == "InProgress") == running]
            elif key in ("InvokedAfter", "InvokedBefore"):
                instant = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                after = key == "InvokedAfter"
                described = [c for c in described if (c["RequestedDateTime"] >= instant) == after]
            else:
                raise AwsError("InvalidFilterKey", f"The filter key {key} is not valid.")
        return _page(described, "Commands", params, default=50)

    def _instance_information(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """DescribeInstanceInformation: the running EC2 instances, each an Online Linux managed node. Filters
        (botocore ssm service model, InstanceInformationStringFilter.Key) `InstanceIds`, `tag:<key>`,
        `tag-key`, PingStatus, PlatformTypes, ResourceType, SourceIds, SourceTypes; "Tag filters can't be
        combined with other filter types."; MaxResults "The default value is 10 items."; NextToken."""
        filters = list(params.get("Filters", []))
        if filters and params.get("InstanceInformationFilterList"):
            raise AwsError(
                "InvalidInstanceInformationFilterValue",
                "InstanceInformationFilterList and Filters can't be used together.",
            )
        legacy = [{"Key": f["key"], "Values": f["valueSet"]} for f in params.get("InstanceInformationFilterList", [])]
        filters += legacy
        tags = [f for f in filters if f["Key"].startswith("tag:") or f["Key"] == "tag-key"]
        if tags and len(tags) != len(filters):
            raise AwsError("InvalidFilterKey", "Tag filters can't be combined with other filter types.")
        ec2 = ec2_backends[DEFAULT_ACCOUNT_ID][self.region]
        found: dict[str, list[str]] = {"instance-state-name": ["running"]}
        for condition in filters:
            key, values = condition["Key"], list(condition["Values"])
            if key.startswith("tag:") or key == "tag-key":
                found[key] = values
            elif key in ("InstanceIds", "SourceIds"):
                found["instance-id"] = values
            elif key not in NODE_FILTERS:
                raise AwsError("InvalidFilterKey", f"The filter key {key} is not valid.")
            elif not set(values) & {"Online", "Linux", "EC2Instance", "AWS::EC2::Instance"}:
                return _page([], "InstanceInformationList", params, default=10)
        nodes = [
            {
                "InstanceId": instance.id,
                "PingStatus": "Online",
                "LastPingDateTime": to_datetime(self._now()),
                "AgentVersion": "3.3.0.0",
                "IsLatestVersion": True,
                "PlatformType": "Linux",
                "PlatformName": "Amazon Linux",
                "PlatformVersion": "2023",
                "ResourceType": "EC2Instance",
                "IPAddress": instance.private_ip,
                "ComputerName": f"ip-{str(instance.private_ip).replace('.', '-')}.{self.region}.compute.internal",
                "SourceId": instance.id,
                "SourceType": "AWS::EC2::Instance",
            }
            for reservation in ec2.all_reservations(filters=found)
            for instance in reservation.instances
        ]
        return _page(sorted(nodes, key=lambda n: n["InstanceId"]), "InstanceInformationList", params, default=10)

    def _command(self, command_id: str, code: str) -> Command:
        if command_id not in self._commands:
            raise AwsError(code, f"Command {command_id} does not exist.")
        return self._commands[command_id]

    def _list(self, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        commands = (
            [self._command(params["CommandId"], "InvalidCommandId")]
            if "CommandId" in params
            else list(self._commands.values())
        )
        now = self._now()
        invocations = []
        for command in commands:
            status = command.status(now)
            for instance_id in command.instance_ids:
                if params.get("InstanceId", instance_id) != instance_id:
                    continue
                invocation = {
                    "CommandId": command.command_id,
                    "InstanceId": instance_id,
                    "InstanceName": "",
                    "Comment": command.request.get("Comment", ""),
                    "DocumentName": command.request["DocumentName"],
                    "DocumentVersion": "$DEFAULT",
                    "RequestedDateTime": to_datetime(command.requested),
                    "Status": status,
                    "StatusDetails": STATUS_DETAILS.get(status, status),
                    "StandardOutputUrl": "",
                    "StandardErrorUrl": "",
                    "CommandPlugins": [],
                }
                if params.get("Details"):
                    invocation["CommandPlugins"] = [
                        {
                            "Name": PLUGIN,
                            "Status": status,
                            "StatusDetails": STATUS_DETAILS.get(status, status),
                            "ResponseCode": RESPONSE_CODES.get(status, -1),
                            "Output": "",
                            "ResponseStartDateTime": to_datetime(command.requested),
                        }
                    ]
                invocations.append(invocation)
        return invocations

    def _invocation(self, params: Mapping[str, Any]) -> dict[str, Any]:
        command = self._command(params["CommandId"], "InvocationDoesNotExist")
        if params["InstanceId"] not in command.instance_ids:
            raise AwsError(
                "InvocationDoesNotExist", f"Command {command.command_id} has no invocation on {params['InstanceId']}."
            )
        now = self._now()
        status = command.status(now)
        elapsed = min(now, command.ends) - command.requested
        return {
            "CommandId": command.command_id,
            "InstanceId": params["InstanceId"],
            "Comment": command.request.get("Comment", ""),
            "DocumentName": command.request["DocumentName"],
            "DocumentVersion": "$DEFAULT",
            "PluginName": PLUGIN,
            "ResponseCode": RESPONSE_CODES.get(status, -1),
            "ExecutionStartDateTime": to_datetime(command.requested).isoformat(),
            "ExecutionElapsedTime": f"PT{elapsed:g}S",
            "ExecutionEndDateTime": to_datetime(command.ends).isoformat() if status != "InProgress" else "",
            "Status": status,
            "StatusDetails": STATUS_DETAILS.get(status, status),
            "StandardOutputContent": "",
            "StandardOutputUrl": "",
            "StandardErrorContent": "",
            "StandardErrorUrl": "",
        }


def _page(items: list[dict[str, Any]], key: str, params: Mapping[str, Any], default: int) -> dict[str, Any]:
    """One page of `items` (MaxResults, NextToken: the index of the next item)."""
    token = params.get("NextToken")
    if token is not None and (not str(token).isdigit() or int(token) > len(items)):
        raise AwsError("InvalidNextToken", "The specified token isn't valid.")
    start, size = int(token or 0), int(params.get("MaxResults", default))
    page: dict[str, Any] = {key: items[start:start + size]}
    if start + size < len(items):
        page["NextToken"] = str(start + size)
    return page
