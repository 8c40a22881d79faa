"""Clone: create temp-<target>, a read replica of the source with the old target's settings. Its own function
because it is the only one allowed to use the source as a replication source."""

from mitosis.adapters.rds import Rds
from mitosis.models import Call, Outcome
from mitosis.runtime import lambda_handler
from mitosis.steps.build import create_copy

rds = Rds()


@lambda_handler(Call)
def handler(call: Call) -> Outcome:
    return create_copy(rds, call)
