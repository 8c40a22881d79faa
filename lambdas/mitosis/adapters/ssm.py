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
