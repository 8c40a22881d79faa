"""Promote: detach temp-<target> from the source and turn its backups on in the same call."""

from mitosis.adapters.rds import Rds
from mitosis.models import Call, Outcome
from mitosis.runtime import lambda_handler
from mitosis.steps.build import promote_copy

rds = Rds()


@lambda_handler(Call)
def handler(call: Call) -> Outcome:
    return promote_copy(rds, call)
