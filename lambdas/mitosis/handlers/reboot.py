"""Reboot copy: a copy's new parameter group takes effect at its next reboot (skipped when it already has)."""

from mitosis.adapters.rds import Rds
from mitosis.models import Call, Outcome
from mitosis.runtime import lambda_handler
from mitosis.steps.build import reboot_copy

rds = Rds()


@lambda_handler(Call)
def handler(call: Call) -> Outcome:
    return reboot_copy(rds, call)
