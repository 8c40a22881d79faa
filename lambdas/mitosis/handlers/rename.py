"""Rename: one rename of a name's swap (`<name>` to `old-<name>`, or `temp-<name>` to `<name>`), of the
instance the plan expects only."""

from mitosis.adapters.rds import Rds
from mitosis.models import Outcome, Rename
from mitosis.runtime import lambda_handler
from mitosis.steps.swap import rename

rds = Rds()


@lambda_handler(Rename)
def handler(step: Rename) -> Outcome:
    return rename(rds, step)
