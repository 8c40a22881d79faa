"""A simulated AWS account with the stack deployed, to use as a person would use the real one: the `mitosis`
CLI's start, status and history commands run against it in-process (tests/operate/test_cli_account.py).

Inside `simulated_account(world)`, every boto3 client of the world's region talks to the simulated account:
the stack's outputs (CloudFormation DescribeStacks, simulator.cloudformation), the state machine and its
functions (run in-process, IAM-enforced), RDS, ECS and SSM as the world has them. Time is virtual: the calling
thread takes part in the clock (`account.clock.sleep(s)` lets the executions run for `s` virtual seconds), and
an execution runs only while the calling thread sleeps on that clock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from infrastructure.settings import STACK_NAME, cdk_json_context
from simulator.aws import SimulatedAWS
from simulator.clock import VirtualClock
from simulator.cloudformation import StackOutputs
from simulator.deployment import ACCOUNT_ID, Deployment, deploy, synthesize
from simulator.lambdas import handlers_in_process
from simulator.runner import function_policies


@dataclass(frozen=True)
class Account:
    aws: SimulatedAWS
    clock: VirtualClock
    deployment: Deployment
    region: str


@contextlib.contextmanager
def simulated_account(world: dict[str, Any], context: dict[str, Any] | None = None,
                      faults: list[dict[str, Any]] | None = None,
                      latency: dict[str, Any] | None = None) -> Iterator[Account]:
    """The world loaded and the stack deployed for `context` (cdk.json's by default), with the faults and
    latencies of `mitosis simulate`, until the block ends."""
    template = synthesize(cdk_json_context() if context is None else context)
    region = str(world.get("region", "us-east-1"))
    clock = VirtualClock()
    aws = SimulatedAWS(world, clock=clock, policies=function_policies(template, region), faults=faults,
                       latency=latency)
    with aws, clock.install(), clock.participate():
        deployment = deploy(template, region)
        outputs = deployment.monitoring.outputs if deployment.monitoring else {}
        descriptions = {key: output.get("Description", "") for key, output in template.get("Outputs", {}).items()}
        aws.add_simulator("cloudformation", StackOutputs(region, ACCOUNT_ID, STACK_NAME, outputs, descriptions))
        with handlers_in_process(aws.recording):
            yield Account(aws=aws, clock=clock, deployment=deployment, region=region)
