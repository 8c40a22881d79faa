"""Create replica: create one temp- replica of the new tree (its parent is the temp copy of its old parent)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds

logger = Logger(service="mitosis")
rds = Rds()


def create_temp_copy(params: dict[str, Any]) -> dict[str, Any]:
    """CreateDBInstanceReadReplica, skipped when a retried invocation already created the instance (the planner
    refused any temp- instance that existed before this execution)."""
    identifier = params["DBInstanceIdentifier"]
    if rds.describe(identifier) is not None:
        logger.info("Already created", extra={"instance": identifier})
        return {"DBInstanceIdentifier": identifier, "action": "skipped"}
    rds.create_read_replica(params)
    logger.info("Creating", extra={"instance": identifier, "source": params["SourceDBInstanceIdentifier"]})
    return {"DBInstanceIdentifier": identifier, "action": "created"}


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return create_temp_copy(event)
