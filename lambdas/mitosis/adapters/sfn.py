"""Step Functions adapter: this state machine's other executions, and an execution's description and history."""

from __future__ import annotations

import json
from typing import Any

from mitosis.adapters.aws import aws_errors, lazy_client


class StepFunctions:
    def __init__(self, client: Any = None) -> None:
        self._client = (lambda: client) if client is not None else lazy_client("stepfunctions")

    def running_executions(self, state_machine_arn: str) -> list[dict[str, Any]]:
        """Running executions with their input (parsed; None when it is not JSON)."""
        with aws_errors():
            pages = self._client().get_paginator("list_executions").paginate(
                stateMachineArn=state_machine_arn, statusFilter="RUNNING")
            executions = [e for page in pages for e in page["executions"]]
            described = [self._client().describe_execution(executionArn=e["executionArn"]) for e in executions]
        for execution in described:
            try:
                execution["input"] = json.loads(execution.get("input") or "null")
            except ValueError:
                execution["input"] = None
        return described

    def describe_execution(self, execution_arn: str) -> dict[str, Any]:
        with aws_errors():
            return dict(self._client().describe_execution(executionArn=execution_arn))

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        """Every event of the execution, oldest first, with its input and output (which say what each state
        acted on). At most 25,000 events: 25 pages of 1,000."""
        with aws_errors():
            pages = self._client().get_paginator("get_execution_history").paginate(
                executionArn=execution_arn, includeExecutionData=True, PaginationConfig={"PageSize": 1000})
            return [event for page in pages for event in page["events"]]
