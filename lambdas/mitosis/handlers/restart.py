"""Restart application: make the application reconnect to the new instances (ECS redeploy or SSM command)."""

from mitosis.adapters.ecs import Ecs
from mitosis.adapters.ssm import Ssm
from mitosis.models import HookRun, RestartHook
from mitosis.runtime import lambda_handler
from mitosis.steps.hooks import HookAdapters, start

adapters = HookAdapters(ecs=Ecs(), ssm=Ssm())


@lambda_handler(RestartHook)
def handler(restart: RestartHook) -> HookRun:
    return start(adapters, restart.hook)
