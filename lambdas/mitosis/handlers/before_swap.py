"""Run before-swap hook: the user's job (data scrubbing...) against the temp- primary, before anyone sees it."""

from mitosis.adapters.ecs import Ecs
from mitosis.adapters.rds import Rds
from mitosis.adapters.ssm import Ssm
from mitosis.models import BeforeSwapRun, HookRun
from mitosis.runtime import lambda_handler
from mitosis.steps.hooks import HookAdapters, start_before_swap

rds = Rds()
adapters = HookAdapters(ecs=Ecs(), ssm=Ssm())


@lambda_handler(BeforeSwapRun)
def handler(run: BeforeSwapRun) -> HookRun:
    return start_before_swap(rds, adapters, run)
