"""Enable backups: a replica that will have replicas of its own needs automated backups first."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.status import has_retention

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    identifier = event["DBInstanceIdentifier"]
    instance = rds.describe(identifier)
    if instance is not None and has_retention(instance, event["BackupRetentionPeriod"]):
        return {"DBInstanceIdentifier": identifier, "action": "skipped"}
    rds.modify(event)
    logger.info("Enabling backups", extra={"instance": identifier, "retention": event["BackupRetentionPeriod"]})
    return {"DBInstanceIdentifier": identifier, "action": "modified"}
