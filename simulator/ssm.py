"""Simulated SSM Run Command: SendCommand, ListCommandInvocations and GetCommandInvocation.

moto's Run Command finishes every command at once and, when Targets is omitted, invokes every EC2 instance;
these three calls are answered here instead (other SSM calls go to moto). A command has one invocation per
targeted instance: its InstanceIds, or the running EC2 instances that every one of its Targets matches
(`InstanceIds`, `tag:<key>`, `tag-key`). Invocations are `InProgress` for `ssm_command` virtual seconds (the
SendCommand response says `Pending`, as AWS does), then `Success`, or the status of an `ssm:command` fault
whose `match` fits the SendCommand request (`Failed`, `TimedOut`, `Cancelled`). Command ids come from a
counter, so runs are reproducible.
"""

from __future__ import annotations

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
        return "InProgress" if now < self.ends else self.outcome


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
        command = Command(command_id, dict(params), instance_ids, now, ends, outcome)
        self._commands[command_id] = command
        return {
            "CommandId": command_id,
            "DocumentName": params["DocumentName"],
            "DocumentVersion": "$DEFAULT",
            "Comment": params.get("Comment", ""),
            "Parameters": params.get("Parameters", {}),
            "InstanceIds": params.get("InstanceIds", []),
            "Targets": params.get("Targets", []),
            "RequestedDateTime": to_datetime(now),
            "Status": "Pending",
            "StatusDetails": "Pending",
            "TimeoutSeconds": params.get("TimeoutSeconds", 3600),
            "TargetCount": len(instance_ids),
            "CompletedCount": 0,
            "ErrorCount": 0,
            "DeliveryTimedOutCount": 0,
            "MaxConcurrency": params.get("MaxConcurrency", "50"),
            "MaxErrors": params.get("MaxErrors", "0"),
        }

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
