"""Set master password: the copy gets the password from the configured secret before the swap, so staging
never runs with production's. The secret's value is read here and sent to RDS only: never logged, never
returned."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.adapters.secrets import Secrets

logger = Logger(service="mitosis")
rds = Rds()
secrets = Secrets()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    identifier, secret_arn = event["DBInstanceIdentifier"], event["secret_arn"]
    rds.modify({"DBInstanceIdentifier": identifier, "MasterUserPassword": secrets.password(secret_arn),
                "ApplyImmediately": True})
    logger.info("Master password set from the secret", extra={"instance": identifier, "secret": secret_arn})
    return {"DBInstanceIdentifier": identifier, "password_from": secret_arn}
