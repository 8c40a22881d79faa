"""Discard done? / Delete done?: one check that the instance is gone; Step Functions retries on NotReady."""

from mitosis.adapters.rds import Rds
from mitosis.models import InstanceRef, Outcome
from mitosis.runtime import lambda_handler
from mitosis.steps.cleanup import await_deleted

rds = Rds()


@lambda_handler(InstanceRef)
def handler(ref: InstanceRef) -> Outcome:
    return await_deleted(rds, ref)
