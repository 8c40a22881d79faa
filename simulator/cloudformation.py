"""CloudFormation's DescribeStacks for the simulated deployment: the stack `cdk deploy` would create, with its
outputs (the state machine's ARN, the notification topic's), which is how the `mitosis` CLI finds what to start.
moto's CloudFormation needs packages this project does not install, and would create the resources again: this
answers only DescribeStacks, from the outputs simulator.monitoring resolved, as CloudFormation answers it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from simulator.faults import AwsError
from simulator.rds import Forward


class StackOutputs:
    def __init__(self, region: str, account: str, stack_name: str, outputs: Mapping[str, str],
                 descriptions: Mapping[str, str] | None = None) -> None:
        self.stack = {
            "StackName": stack_name,
            "StackId": f"arn:aws:cloudformation:{region}:{account}:stack/{stack_name}/"
                       "00000000-0000-4000-8000-000000000000",
            "CreationTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "StackStatus": "CREATE_COMPLETE",
            "Outputs": [{"OutputKey": key, "OutputValue": value, **(
                {"Description": descriptions[key]} if descriptions and key in descriptions else {})}
                for key, value in outputs.items()],
        }

    def call(self, operation: str, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        if operation != "DescribeStacks":
            raise AwsError("InvalidAction", f"CloudFormation {operation} is not simulated")
        name = params.get("StackName")
        if name not in (None, self.stack["StackName"], self.stack["StackId"]):
            # What CloudFormation answers for a stack that does not exist.
            raise AwsError("ValidationError", f"Stack with id {name} does not exist")
        return {"Stacks": [self.stack]}
