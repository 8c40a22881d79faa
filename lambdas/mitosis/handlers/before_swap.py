"""Before-swap hook: run the user's job (data scrubbing...) against the temp- primary, before anyone sees it."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.errors import HookFailed
from mitosis.handlers import hooks
from mitosis.models import HOOK

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`event` is {"hook": the before_swap configuration, "DBInstanceIdentifier": the temp- primary}."""
    instance = rds.describe(event["DBInstanceIdentifier"])
    if instance is None or not instance.get("Endpoint"):
        raise HookFailed(f"{event['DBInstanceIdentifier']} has no endpoint to run the before-swap hook against.")
    endpoint = instance["Endpoint"]
    run = hooks.start(HOOK.validate_python(event["hook"]), endpoint=endpoint["Address"], port=endpoint.get("Port"))
    logger.info("Started the before-swap hook", extra={"run": run.model_dump()})
    return run.model_dump()
