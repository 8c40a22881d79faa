"""Protect copy: a copy takes its old instance's deletion protection once every name is swapped."""

from mitosis.adapters.rds import Rds
from mitosis.models import InstanceRef, Outcome
from mitosis.runtime import lambda_handler
from mitosis.steps.swap import protect

rds = Rds()


@lambda_handler(InstanceRef)
def handler(copy: InstanceRef) -> Outcome:
    return protect(rds, copy)
