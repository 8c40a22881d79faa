"""Promote: detach temp-<target> from the source and turn its backups on in the same call."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.status import is_promoted

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    identifier = event["DBInstanceIdentifier"]
    instance = rds.describe(identifier)
    if instance is not None and is_promoted(instance):
        logger.info("Already promoted", extra={"instance": identifier})
        return {"DBInstanceIdentifier": identifier, "action": "skipped"}
    rds.promote(event)
    logger.info("Promoting", extra={"instance": identifier})
    return {"DBInstanceIdentifier": identifier, "action": "promoted"}
