"""Create replica: one temp- replica of the new tree (its parent is the copy of its old parent)."""

from mitosis.adapters.rds import Rds
from mitosis.models import Call, Outcome
from mitosis.runtime import lambda_handler
from mitosis.steps.build import create_copy

rds = Rds()


@lambda_handler(Call)
def handler(call: Call) -> Outcome:
    return create_copy(rds, call)
