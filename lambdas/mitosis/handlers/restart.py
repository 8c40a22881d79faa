"""Restart: make the application reconnect to the new instances (ECS redeploy or SSM Run Command)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.handlers import hooks
from mitosis.models import HOOK

logger = Logger(service="mitosis")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = hooks.start(HOOK.validate_python(event))
    logger.info("Started the restart", extra={"run": run.model_dump()})
    return run.model_dump()
