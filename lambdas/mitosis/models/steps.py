"""What the workflow's states hand each other besides the plan: hook runs, step outcomes, and the shape of the
execution's state as the state machine's JSONPaths see it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from mitosis.models.graph import Refresh, Run
from mitosis.models.plan import InstanceRef, Plan


class EcsRollout(BaseModel):
    """The deployments a restart started, by service: what the restart's check follows."""

    type: Literal["ecs"]
    cluster: str
    deployments: dict[str, str]
    timeout_s: int


class SsmInvocation(BaseModel):
    type: Literal["ssm"]
    command_id: str
    targets: list[dict[str, Any]] = Field(default_factory=list)  # as sent, to name them when none matched
    timeout_s: int


class EcsTaskRun(BaseModel):
    type: Literal["ecs_task"]
    cluster: str
    task_arn: str
    timeout_s: int


HookRun = Annotated[EcsRollout | SsmInvocation | EcsTaskRun, Field(discriminator="type")]
HOOK_RUN: TypeAdapter[HookRun] = TypeAdapter(HookRun)


class HookCheck(BaseModel):
    """What a hook's check gets: the run, and how long it has been waiting (Step Functions counts retries)."""

    run: HookRun
    retry_count: int = 0
    first_check_s: int = 0
    interval_s: int = 30

    @property
    def waited_s(self) -> int:
        return self.first_check_s + self.retry_count * self.interval_s


class DescribeEvent(BaseModel):
    """The first state's event: the execution input as sent (validated here) and the execution."""

    input: Any = None
    run: Run


class Outcome(InstanceRef):
    """What a step did to one instance (or cluster): `skipped` when a retry or a re-run found it already done."""

    action: str


class Deleted(Outcome):
    """A deletion; `note` says when the final snapshot could not be taken."""

    final_snapshot: str | None = None
    note: str | None = None


class ErrorInfo(BaseModel):
    """A caught error, as Step Functions puts it in the state (ResultPath of a Catch)."""

    Error: str
    Cause: str = ""


class TaskContext(BaseModel):
    """Who a Lambda works for, on every task's payload: its log lines carry both."""

    execution: str = ""
    target: str = ""


class WorkflowState(BaseModel):
    """The execution's state after Describe and Plan, as the state machine's paths read it. Every JSONPath in
    the synthesized definition is checked against this model (tests/infrastructure/test_paths.py), so a renamed
    field fails a test, not a refresh."""

    context: TaskContext
    refresh: Refresh
    plan: Plan
    before_swap: HookRun | None = None
    restart: HookRun | None = None
    swap_error: ErrorInfo | None = None
    restart_error: ErrorInfo | None = None
    deleted: list[Deleted] = Field(default_factory=list)
