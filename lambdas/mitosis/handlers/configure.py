"""Configure copy: what RDS does not take when it creates a replica (the old instance's parameter group) and
the backups of a copy that serves replicas, by ModifyDBInstance."""

from mitosis.adapters.rds import Rds
from mitosis.models import Call, Outcome
from mitosis.runtime import lambda_handler
from mitosis.steps.build import configure_copy

rds = Rds()


@lambda_handler(Call)
def handler(call: Call) -> Outcome:
    return configure_copy(rds, call)
