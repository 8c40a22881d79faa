"""Check hooks: every declared hook can run (its ECS services deployed by ECS, its SSM targets matching a
managed node), checked before anything is changed."""

from mitosis.adapters.ecs import Ecs
from mitosis.adapters.ssm import Ssm
from mitosis.models import RefreshRequest
from mitosis.runtime import lambda_handler
from mitosis.steps.hooks import HookAdapters, check_hooks

adapters = HookAdapters(ecs=Ecs(), ssm=Ssm())


@lambda_handler(RefreshRequest)
def handler(request: RefreshRequest) -> dict[str, str]:
    return check_hooks(adapters, request)
