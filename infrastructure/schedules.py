"""A weekly EventBridge schedule per refresh job that declares one."""

from __future__ import annotations

from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct
from mitosis.models import RefreshJob


class RefreshSchedules(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, state_machine: sfn.IStateMachine,
                 jobs: list[RefreshJob]) -> None:
        super().__init__(scope, construct_id)
        self.rules = [
            events.Rule(
                self, f"{job.name}Schedule", schedule=events.Schedule.expression(job.schedule),
                description=f"Refresh {job.target} from {job.source}",
                targets=[targets.SfnStateMachine(state_machine,
                                                 input=events.RuleTargetInput.from_object(job.execution_input()))],
            )
            for job in jobs if job.schedule
        ]
