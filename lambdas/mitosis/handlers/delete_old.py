"""Delete old: delete one instance of the retired old- tree."""

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
    if instance is None or instance.get("DBInstanceStatus") == "deleting":
        return {"DBInstanceIdentifier": identifier, "action": "skipped"}
    rds.delete(event)
    logger.info("Deleting", extra={"instance": identifier})
    return {"DBInstanceIdentifier": identifier, "action": "deleting"}
