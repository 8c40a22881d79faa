"""Hooks: the restart after the swap (an ECS redeploy or an SSM command) and the before-swap job (an SSM command
or an ECS task), started and followed the same way, and checked before anything is changed."""

from __future__ import annotations

from dataclasses import dataclass

from mitosis.adapters.ecs import Ecs
from mitosis.adapters.rds import Rds
from mitosis.adapters.ssm import Ssm
from mitosis.errors import HookFailed, MitosisError, NotReady
from mitosis.models import (
    BeforeSwapRun,
    DBCluster,
    EcsRestart,
    EcsRollout,
    EcsTask,
    EcsTaskRun,
    Hook,
    HookCheck,
    HookRun,
    RefreshRequest,
    SsmCommand,
    SsmInvocation,
)
from mitosis.status import Readiness, hook_readiness


@dataclass(frozen=True)
class HookAdapters:
    ecs: Ecs
    ssm: Ssm


def check_hooks(adapters: HookAdapters, request: RefreshRequest) -> dict[str, str]:
    """Before anything is changed: every hook can run as declared. An ECS service must be deployed by ECS
    itself (a new deployment of a CODE_DEPLOY or EXTERNAL service is not ECS's to make), and an SSM command's
    targets must match at least one managed node."""
    checked: dict[str, str] = {}
    for field, hook in (("restart", request.restart), ("before_swap", request.before_swap)):
        if isinstance(hook, EcsRestart):
            controllers = adapters.ecs.deployment_controllers(hook.cluster, hook.services)
            for service in hook.services:
                controller = controllers.get(service)
                if controller is None:
                    raise HookFailed(f"{field}: ECS service '{service}' does not exist in cluster '{hook.cluster}'.")
                if controller != "ECS":
                    raise HookFailed(f"{field}: ECS service '{service}' is deployed by {controller}: a forced new "
                                     "deployment does not redeploy it. Restart it with an SSM command instead.")
            checked[field] = f"{len(hook.services)} ECS services"
        elif isinstance(hook, SsmCommand):
            nodes = adapters.ssm.managed_nodes([t.model_dump() for t in hook.targets])
            if not nodes:
                raise HookFailed(f"{field}: no SSM managed node matches the targets {_targets(hook)}.")
            checked[field] = f"{len(nodes)} managed nodes"
    return checked


def start(adapters: HookAdapters, hook: Hook, endpoint: str = "", port: int | None = None) -> HookRun:
    """Start the hook. A before-swap hook is told where the copy is: `{endpoint}`/`{port}` in SSM parameters,
    MITOSIS_DB_ENDPOINT/MITOSIS_DB_PORT in the ECS task's environment."""
    if isinstance(hook, EcsRestart):
        deployments = {service: adapters.ecs.force_new_deployment(hook.cluster, service) for service in hook.services}
        return EcsRollout(type="ecs", cluster=hook.cluster, deployments=deployments, timeout_s=hook.timeout_s)
    if isinstance(hook, EcsTask):
        environment = {"MITOSIS_DB_ENDPOINT": endpoint, "MITOSIS_DB_PORT": str(port or "")}
        task_arn = adapters.ecs.run_task(hook.cluster, hook.task_definition, hook.launch_type, hook.container,
                                         environment, hook.subnets, hook.security_groups)
        return EcsTaskRun(type="ecs_task", cluster=hook.cluster, task_arn=task_arn, timeout_s=hook.timeout_s)
    parameters = {key: [v.replace("{endpoint}", endpoint).replace("{port}", str(port or "")) for v in values]
                  for key, values in hook.parameters.items()} if endpoint else hook.parameters
    targets = [t.model_dump() for t in hook.targets]
    command_id = adapters.ssm.send_command(hook.document, targets, parameters)
    return SsmInvocation(type="ssm", command_id=command_id, targets=targets, timeout_s=hook.timeout_s)


def start_before_swap(rds: Rds, adapters: HookAdapters, run: BeforeSwapRun) -> HookRun:
    """The before-swap hook, against the temp- primary's endpoint (a cluster copy's: its cluster endpoint, which
    "connects to the current primary DB instance", Aurora User Guide, "Cluster endpoints")."""
    copy = rds.find(run)
    if isinstance(copy, DBCluster):
        endpoint, port = copy.Endpoint, copy.Port
    else:
        endpoint = copy.Endpoint.Address if copy is not None and copy.Endpoint is not None else None
        port = copy.Endpoint.Port if copy is not None and copy.Endpoint is not None else None
    if not endpoint:
        raise HookFailed(f"{run.identifier} has no endpoint to run the before-swap hook against.")
    return start(adapters, run.hook, endpoint=endpoint, port=port)


def outcomes(adapters: HookAdapters, run: HookRun) -> dict[str, str]:
    """How each part of the hook stands (a rollout, an invocation or a task), by part."""
    if isinstance(run, EcsRollout):
        return adapters.ecs.rollout_states(run.cluster, run.deployments)
    if isinstance(run, EcsTaskRun):
        return {run.task_arn: adapters.ecs.task_outcome(run.cluster, run.task_arn)}
    return adapters.ssm.invocation_statuses(run.command_id)


def settle(adapters: HookAdapters, check: HookCheck, failure: type[MitosisError], what: str,
           advice: str) -> dict[str, str]:
    """The hook's outcomes once every part succeeded; NotReady while it runs; `failure` as soon as one part
    failed, once it has run longer than its timeout, or when an SSM command ended without reaching any node."""
    statuses = outcomes(adapters, check.run)
    state = hook_readiness(list(statuses.values()))
    if state is Readiness.STUCK:
        raise failure(f"{what} did not succeed: {statuses}. {advice}")
    if state is Readiness.WAIT:
        run = check.run
        if isinstance(run, SsmInvocation) and not statuses and adapters.ssm.command_finished(run.command_id):
            raise failure(f"{what} reached no instance: no SSM managed node matches the targets "
                          f"{_targets(run)}. {advice}")
        if check.waited_s >= run.timeout_s:
            raise failure(f"{what} did not finish within {run.timeout_s} s: {statuses}. {advice}")
        raise NotReady(f"{what} in progress: {statuses or 'not started yet'}")
    return statuses


def _targets(hook: SsmCommand | SsmInvocation) -> str:
    targets = hook.targets if isinstance(hook, SsmInvocation) else [t.model_dump() for t in hook.targets]
    return ", ".join(f"{t['Key']}={','.join(t['Values'])}" for t in targets)
