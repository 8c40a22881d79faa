"""Protect copy: a copy takes its old instance's deletion protection once every name is swapped."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    identifier = event["DBInstanceIdentifier"]
    instance = rds.describe(identifier)
    if instance is not None and instance.get("DeletionProtection"):
        return {"DBInstanceIdentifier": identifier, "action": "skipped"}
    rds.modify(event)  # applied at once, with no status change: the name stays available
    logger.info("Protecting", extra={"instance": identifier})
    return {"DBInstanceIdentifier": identifier, "action": "protected"}
