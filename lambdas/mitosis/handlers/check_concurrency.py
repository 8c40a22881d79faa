"""Check no other refresh: one refresh per target at a time, refused before any change."""

from typing import Any

from mitosis.adapters.sfn import StepFunctions
from mitosis.models import Refresh
from mitosis.runtime import lambda_handler
from mitosis.steps.describe import check_no_other_refresh

sfn = StepFunctions()


@lambda_handler(Refresh)
def handler(refresh: Refresh) -> dict[str, Any]:
    return check_no_other_refresh(sfn, refresh)
