"""Restart done?: every ECS service runs only its new deployment's tasks, or every SSM invocation succeeded,
within the timeout."""

from mitosis.adapters.ecs import Ecs
from mitosis.adapters.ssm import Ssm
from mitosis.errors import RestartFailed
from mitosis.models import HookCheck
from mitosis.recovery import RESTART_FAILED_KEPT
from mitosis.runtime import lambda_handler
from mitosis.steps.hooks import HookAdapters, settle

adapters = HookAdapters(ecs=Ecs(), ssm=Ssm())
HOW_TO_FINISH = RESTART_FAILED_KEPT


@lambda_handler(HookCheck)
def handler(check: HookCheck) -> dict[str, str]:
    return settle(adapters, check, RestartFailed, "The restart", HOW_TO_FINISH)
