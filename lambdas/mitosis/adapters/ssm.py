"""SSM adapter: send a Run Command and read its invocations."""

from __future__ import annotations

from typing import Any

from mitosis.adapters.aws import aws_errors, lazy_client


class Ssm:
    def __init__(self, client: Any = None) -> None:
        self._client = (lambda: client) if client is not None else lazy_client("ssm")

    def send_command(self, document: str, targets: list[dict[str, Any]], parameters: dict[str, list[str]]) -> str:
        with aws_errors():
            response = self._client().send_command(DocumentName=document, Targets=targets, Parameters=parameters)
        return str(response["Command"]["CommandId"])

    def invocation_statuses(self, command_id: str) -> dict[str, str]:
        """Status of the command on each instance it was sent to, by instance id."""
        with aws_errors():
            pages = self._client().get_paginator("list_command_invocations").paginate(CommandId=command_id)
            return {i["InstanceId"]: i["Status"] for page in pages for i in page["CommandInvocations"]}

    def managed_nodes(self, targets: list[dict[str, Any]]) -> list[str]:
        """The managed nodes every target matches (`InstanceIds` or `tag:<key>`), as SendCommand would pick them."""
        filters = [{"Key": t["Key"], "Values": t["Values"]} for t in targets]
        with aws_errors():
            pages = self._client().get_paginator("describe_instance_information").paginate(Filters=filters)
            return [i["InstanceId"] for page in pages for i in page["InstanceInformationList"]]

    def command_finished(self, command_id: str) -> bool:
        """Whether the command has ended (whatever its outcome): SSM resolves a command's targets after
        SendCommand returns, so a command that ended without invocations reached no node."""
        with aws_errors():
            commands = self._client().list_commands(CommandId=command_id)["Commands"]
        return bool(commands) and commands[0]["Status"] not in ("Pending", "InProgress", "Cancelling")
