"""What the hook states share: start a hook (ECS redeploy, SSM Run Command, ECS task) and read how it ends."""

from __future__ import annotations

from mitosis.adapters.ecs import Ecs
from mitosis.adapters.ssm import Ssm
from mitosis.errors import MitosisError, NotReady
from mitosis.models import EcsRestart, EcsRollout, EcsTask, EcsTaskRun, Hook, HookCheck, HookRun, SsmInvocation
from mitosis.status import Readiness, restart_readiness

ecs = Ecs()
ssm = Ssm()


def start(hook: Hook, endpoint: str = "", port: int | None = None) -> HookRun:
    """Start the hook. A before-swap hook is told where the copy is: `{endpoint}`/`{port}` in SSM parameters,
    MITOSIS_DB_ENDPOINT/MITOSIS_DB_PORT in the ECS task's environment."""
    if isinstance(hook, EcsRestart):
        deployments = {service: ecs.force_new_deployment(hook.cluster, service) for service in hook.services}
        return EcsRollout(type="ecs", cluster=hook.cluster, deployments=deployments, timeout_s=hook.timeout_s)
    if isinstance(hook, EcsTask):
        environment = {"MITOSIS_DB_ENDPOINT": endpoint, "MITOSIS_DB_PORT": str(port or "")}
        task_arn = ecs.run_task(hook.cluster, hook.task_definition, hook.launch_type, hook.container, environment,
                                hook.subnets, hook.security_groups)
        return EcsTaskRun(type="ecs_task", cluster=hook.cluster, task_arn=task_arn, timeout_s=hook.timeout_s)
    parameters = {key: [v.replace("{endpoint}", endpoint).replace("{port}", str(port or "")) for v in values]
                  for key, values in hook.parameters.items()} if endpoint else hook.parameters
    command_id = ssm.send_command(hook.document, [t.model_dump() for t in hook.targets], parameters)
    return SsmInvocation(type="ssm", command_id=command_id, timeout_s=hook.timeout_s)


def outcomes(run: HookRun) -> dict[str, str]:
    """How each part of the hook stands (a rollout state, an invocation or task status), by part."""
    if isinstance(run, EcsRollout):
        return ecs.rollout_states(run.cluster, run.deployments)
    if isinstance(run, EcsTaskRun):
        return {run.task_arn: ecs.task_outcome(run.cluster, run.task_arn)}
    return ssm.invocation_statuses(run.command_id)



def settle(check: HookCheck, failure: type[MitosisError], what: str, advice: str) -> dict[str, str]:
    """The hook's outcomes once every part succeeded; NotReady while it runs; `failure` as soon as one part
    failed, or once it has run longer than its timeout."""
    statuses = outcomes(check.run)
    state = restart_readiness(list(statuses.values()))
    if state is Readiness.STUCK:
        raise failure(f"{what} did not succeed: {statuses}. {advice}")
    if state is Readiness.WAIT:
        if check.waited_s >= check.run.timeout_s:
            raise failure(f"{what} did not finish within {check.run.timeout_s} s: {statuses}. {advice}")
        raise NotReady(f"{what} in progress: {statuses or 'not started yet'}")
    return statuses
