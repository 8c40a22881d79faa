"""The "... done?" checks of RDS operations: one look per invocation at whether the expected result is in
effect (never the status alone); Step Functions retries on NotReady."""

from mitosis.adapters.rds import Rds
from mitosis.models import Expectation, Outcome
from mitosis.runtime import lambda_handler
from mitosis.steps.build import await_result

rds = Rds()


@lambda_handler(Expectation)
def handler(expect: Expectation) -> Outcome:
    return await_result(rds, expect)
