"""A second execution for a target that is being refreshed stops before changing anything."""

from __future__ import annotations

import copy
import json
from typing import Any

import boto3

from infrastructure.settings import cdk_json_context
from simulator.aws import SimulatedAWS
from simulator.clock import VirtualClock
from simulator.deployment import deploy, simulated_context, synthesize
from simulator.lambdas import handlers_in_process
from tests.workflow.conftest import READ_ONLY


def test_a_second_refresh_of_the_same_target_is_refused_naming_the_running_one(
        example_world: dict[str, Any], example_input: dict[str, Any]) -> None:
    clock = VirtualClock()
    template = synthesize(simulated_context(example_input, cdk_json_context()))
    aws = SimulatedAWS(copy.deepcopy(example_world), clock=clock)
    with aws, clock.install(), clock.participate(), handlers_in_process(aws.recording):
        machine = deploy(template, example_world["region"]).state_machine_arn
        sfn = boto3.client("stepfunctions", region_name=example_world["region"])

        def status(arn: str) -> dict[str, Any]:
            return dict(sfn.describe_execution(executionArn=arn))

        # Given a refresh that is running (cloning)
        first = sfn.start_execution(stateMachineArn=machine, name="weekly", input=json.dumps(example_input))
        clock.sleep(300)
        calls_before = len(aws.calls)
        # When a second one starts for the same target
        second = sfn.start_execution(stateMachineArn=machine, name="by-hand", input=json.dumps(example_input))
        clock.wait_for(lambda: status(second["executionArn"])["status"] != "RUNNING", poll=5, timeout=3600)
        # Then it fails, naming the running execution, having changed nothing
        refused = status(second["executionArn"])
        assert refused["status"] == "FAILED" and refused["error"] == "RefreshAlreadyRunning"
        assert "'weekly'" in refused["cause"]
        # (meanwhile the first execution only polled its clone)
        assert [c["operation"] for c in aws.calls[calls_before:] if not c["operation"].startswith(READ_ONLY)] == []
        # And the first one goes on to the end
        clock.wait_for(lambda: status(first["executionArn"])["status"] != "RUNNING", poll=60, timeout=6 * 3600)
        assert status(first["executionArn"])["status"] == "SUCCEEDED"
