"""Set master password: the copy gets the password from the declared secret before the swap, so staging never
runs with production's. The secret's value is read here and sent to RDS only: never logged, never returned."""

from mitosis.adapters.rds import Rds
from mitosis.adapters.secrets import Secrets
from mitosis.models import Outcome, PasswordChange
from mitosis.runtime import lambda_handler
from mitosis.steps.build import set_password

rds = Rds()
secrets = Secrets()


@lambda_handler(PasswordChange)
def handler(change: PasswordChange) -> Outcome:
    return set_password(rds, secrets, change)
