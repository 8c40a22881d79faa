"""Restart: make the application reconnect to the new instances (ECS redeploy or SSM Run Command)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.ecs import Ecs
from mitosis.adapters.ssm import Ssm
from mitosis.models import RESTART, EcsRestart, EcsRollout, SsmInvocation

logger = Logger(service="mitosis")
ecs = Ecs()
ssm = Ssm()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    restart = RESTART.validate_python(event)
    if isinstance(restart, EcsRestart):
        deployments = {service: ecs.force_new_deployment(restart.cluster, service) for service in restart.services}
        logger.info("Redeploying ECS services", extra={"cluster": restart.cluster, "deployments": deployments})
        return EcsRollout(type="ecs", cluster=restart.cluster, deployments=deployments).model_dump()
    targets = [target.model_dump() for target in restart.targets]
    command_id = ssm.send_command(restart.document, targets, restart.parameters)
    logger.info("Sent SSM command", extra={"command_id": command_id, "document": restart.document})
    return SsmInvocation(type="ssm", command_id=command_id).model_dump()
