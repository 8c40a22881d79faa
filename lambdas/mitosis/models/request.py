"""The execution input, and the refresh jobs a deployment declares.

Inputs that a person writes are strict: unknown fields and wrong types are refused, so a typo such as `dry_rn`
can never start a real refresh. A request is then resolved against its declared job: the hooks and the secret
a job declares are the only ones its execution may use (IAM grants only those too), so anyone allowed to start
an execution cannot run another command through a declared SSM document.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from mitosis.errors import InvalidInput
from mitosis.models.names import is_identifier


def _rds_identifier(value: str) -> str:
    """RDS stores instance identifiers in lowercase, whatever case a request used."""
    if not is_identifier(value):
        raise ValueError(f"{value!r} is not an RDS instance identifier (1-63 letters, digits and hyphens, "
                         "starting with a letter, no '--', not ending with '-')")
    return value.lower()


Identifier = Annotated[StrictStr, AfterValidator(_rds_identifier)]
NonEmpty = Annotated[StrictStr, Field(min_length=1)]
Timeout = Annotated[StrictInt, Field(ge=60, le=24 * 3600)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class EcsRestart(StrictModel):
    """Force a new deployment of each listed ECS service and wait until every one runs only the new
    deployment's tasks, as many as desired."""

    type: Literal["ecs"]
    cluster: NonEmpty
    services: Annotated[list[NonEmpty], Field(min_length=1)]
    timeout_s: Timeout = 1800


class SsmTarget(StrictModel):
    """An SSM Run Command target, as the SendCommand API takes it: `InstanceIds` or `tag:<key>`."""

    Key: Annotated[StrictStr, Field(pattern=r"^(InstanceIds|tag:.+)$")]
    Values: Annotated[list[NonEmpty], Field(min_length=1)]


class SsmCommand(StrictModel):
    """Send an SSM document to the targets and wait until every invocation ends. In a before-swap hook,
    `{endpoint}` and `{port}` in parameter values become the temp- primary's."""

    type: Literal["ssm"]
    document: NonEmpty = "AWS-RunShellScript"
    targets: Annotated[list[SsmTarget], Field(min_length=1)]
    parameters: dict[str, list[StrictStr]] = Field(default_factory=dict)
    timeout_s: Timeout = 1800


class EcsTask(StrictModel):
    """Run an ECS task that must stop with exit code 0; its container gets MITOSIS_DB_ENDPOINT and
    MITOSIS_DB_PORT (the temp- primary's) in its environment."""

    type: Literal["ecs_task"]
    cluster: NonEmpty
    task_definition: NonEmpty
    container: NonEmpty
    launch_type: Literal["FARGATE", "EC2"] = "FARGATE"
    subnets: list[NonEmpty] = Field(default_factory=list)
    security_groups: list[NonEmpty] = Field(default_factory=list)
    timeout_s: Timeout = 3600


class MasterPassword(StrictModel):
    """A Secrets Manager secret whose value (a string, or JSON with a "password" key) becomes the copy's
    master password before the swap."""

    secret_arn: Annotated[StrictStr, Field(pattern=r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$")]


Restart = Annotated[EcsRestart | SsmCommand, Field(discriminator="type")]
BeforeSwap = Annotated[SsmCommand | EcsTask, Field(discriminator="type")]
Hook = Annotated[EcsRestart | SsmCommand | EcsTask, Field(discriminator="type")]
HOOK: TypeAdapter[Hook] = TypeAdapter(Hook)

OnRestartFailure = Literal["keep", "rollback"]
CloneMethod = Literal["auto", "replica", "point_in_time", "snapshot"]


class Clone(StrictModel):
    """How the copy of production is made. `replica`: a read replica of production, promoted (the data is
    current; production serves the replication). `point_in_time`: a restore of production's automated backups
    at the latest restorable time (nothing runs against production; the data is minutes old). `snapshot`: a
    restore of production's newest available snapshot, or of `snapshot` (an identifier, or the ARN of a snapshot
    shared from another account). `auto`: `replica` where a same-Region replica can land in the target's subnet
    group, else `point_in_time`, or `snapshot` where only that keeps the target's own key; the plan says which
    and why."""

    method: CloneMethod = "auto"
    snapshot: Annotated[StrictStr, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _snapshot_only_restored_by_the_snapshot_method(self) -> Clone:
        if self.snapshot is not None and self.method != "snapshot":
            raise ValueError(f"clone.snapshot is restored only by the clone method snapshot, not {self.method}")
        return self


class Declarable(StrictModel):
    """What a refresh job declares and an execution input may repeat: the hooks and the secret (only these
    may run), and what happens when the restart fails."""

    source: Identifier
    target: Identifier
    restart: Restart | None = None
    # "keep": a failed restart leaves the new data and the old- tree; "rollback": the names go back to the old
    # instances, the application is restarted again, and the execution fails.
    on_restart_failure: OnRestartFailure = "keep"
    before_swap: BeforeSwap | None = None
    master_password: MasterPassword | None = None
    clone: Clone = Field(default_factory=Clone)  # declared too: a snapshot restored into staging is data it gets
    # The source and the target are Aurora DB clusters: IAM grants the cluster actions to such a job only (and the
    # instance actions to its cluster's instances, `<target>-*`, only).
    aurora: StrictBool = False

    DECLARED: ClassVar[tuple[str, ...]] = ("restart", "on_restart_failure", "before_swap", "master_password",
                                           "clone", "aurora")


class RefreshRequest(Declarable):
    """The execution input: what the console, the schedule and the CLI send."""

    dry_run: StrictBool = False
    # A snapshot of the old primary before it is deleted; the newest `keep_final_snapshots` are kept.
    final_snapshot: StrictBool = True
    keep_final_snapshots: Annotated[StrictInt, Field(ge=1, le=100)] = 2

    @classmethod
    def parse(cls, event: Any) -> RefreshRequest:
        """The request, or InvalidInput with a message a person can act on (one line per problem)."""
        if not isinstance(event, dict):
            raise InvalidInput('The execution input must be a JSON object such as {"source": "prod-db", '
                               f'"target": "staging-db"}}, not {type(event).__name__}.')
        try:
            return cls.model_validate(event)
        except ValidationError as error:
            problems = [f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in error.errors()]
            raise InvalidInput(f"Invalid execution input: {'; '.join(problems)}.") from None

    def as_declared(self, jobs: list[RefreshJob]) -> RefreshRequest:
        """This request with its job's declarations: a field the input leaves out takes the job's value; a
        field it gives must equal the job's, or InvalidInput names it. No job declared for the pair: refused."""
        if self.source == self.target:
            raise InvalidInput(f"Source and target are both '{self.source}': a refresh would replace production with "
                               "itself.")
        job = next((j for j in jobs if (j.source, j.target) == (self.source, self.target)), None)
        if job is None:
            raise InvalidInput(f"No refresh job from '{self.source}' to '{self.target}' is declared in this "
                               "deployment's configuration (cdk.json context 'refresh_jobs').")
        given = self.model_fields_set
        differing = [name for name in self.DECLARED if name in given and getattr(self, name) != getattr(job, name)]
        if differing:
            raise InvalidInput(f"Invalid execution input: {', '.join(differing)}: differs from what refresh job "
                               f"'{job.name}' declares; only a deployment's declared hooks and secrets may run "
                               "(leave the field out to use the job's).")
        return self.model_copy(update={name: getattr(job, name) for name in self.DECLARED if name not in given})


class RefreshJob(Declarable):
    """One refresh the deployment may run: the only (source, target) pairs, hooks and secrets the workflow and
    IAM allow."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,40}$")]
    # EventBridge schedule expression, e.g. "cron(0 3 ? * SUN *)"; without one the job runs only when started
    # from the console or the CLI.
    schedule: str | None = None

    def execution_input(self) -> dict[str, Any]:
        """The input the job's schedule sends: source, target and the declared fields."""
        request = RefreshRequest(source=self.source, target=self.target,
                                 **{name: getattr(self, name) for name in self.DECLARED})
        return request.model_dump(mode="json", exclude_none=True)


REFRESH_JOBS: TypeAdapter[list[RefreshJob]] = TypeAdapter(list[RefreshJob])
