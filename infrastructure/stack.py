"""The stack: composes the functions, the workflow, the schedules and the monitoring."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infrastructure.functions import RefreshFunctions
from infrastructure.monitoring import RefreshMonitoring
from infrastructure.schedules import RefreshSchedules
from infrastructure.settings import DeploymentSettings
from infrastructure.workflow import RefreshWorkflow


class MitosisStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, settings: DeploymentSettings, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.settings = settings
        functions = RefreshFunctions(self, "Functions", settings=settings)
        workflow = RefreshWorkflow(self, "Workflow", functions=functions, polling=settings.polling)
        RefreshSchedules(self, "Schedules", state_machine=workflow.state_machine, jobs=settings.refresh_jobs)
        CfnOutput(self, "StateMachineArn", value=workflow.state_machine.state_machine_arn,
                  description="Start a refresh: aws stepfunctions start-execution --state-machine-arn <this>")
        monitoring = RefreshMonitoring(self, "Monitoring", functions=functions, state_machine=workflow.state_machine,
                                       notifications=settings.notifications)
        CfnOutput(self, "NotificationTopicArn", value=monitoring.topic.topic_arn,
                  description="One message per finished refresh, and the alarm on failed ones")
