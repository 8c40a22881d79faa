"""Restore name / Roll back name: one step towards a name held by an available instance again (its old
instance when it can serve, else this refresh's copy); NotReady until it is."""

from mitosis.adapters.rds import Rds
from mitosis.models import Outcome, Restoration
from mitosis.runtime import lambda_handler
from mitosis.steps.swap import restore_name

rds = Rds()


@lambda_handler(Restoration)
def handler(restoration: Restoration) -> Outcome:
    return restore_name(rds, restoration)
