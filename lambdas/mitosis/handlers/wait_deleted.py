"""Wait until deleted: one check per invocation; Step Functions retries on NotReady."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.errors import NotReady

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    identifier = event["DBInstanceIdentifier"]
    instance = rds.describe(identifier)
    if instance is not None:
        raise NotReady(f"{identifier} is {instance.get('DBInstanceStatus')}")
    return {"DBInstanceIdentifier": identifier, "deleted": True}
