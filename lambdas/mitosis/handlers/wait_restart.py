"""Wait for restart: every ECS rollout completed, or every SSM invocation succeeded."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.ecs import Ecs
from mitosis.adapters.ssm import Ssm
from mitosis.errors import NotReady, RestartFailed
from mitosis.models import RESTART_HANDLE, EcsRollout
from mitosis.status import Readiness, restart_readiness

logger = Logger(service="mitosis")
ecs = Ecs()
ssm = Ssm()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    handle = RESTART_HANDLE.validate_python(event)
    if isinstance(handle, EcsRollout):
        statuses = ecs.rollout_states(handle.cluster, handle.deployments)
    else:
        statuses = ssm.invocation_statuses(handle.command_id)
    state = restart_readiness(list(statuses.values()))
    if state is Readiness.STUCK:
        raise RestartFailed(f"The restart did not succeed: {statuses}. The new data is in place and the old- "
                            "tree is kept: restart the application by hand, then delete the old- instances.")
    if state is Readiness.WAIT:
        raise NotReady(f"Restart in progress: {statuses or 'no invocation yet'}")
    return {"restarted": statuses}
