"""Contracts between the states of the refresh workflow.

Everything that crosses a state boundary is one of these models, serialised as JSON in the execution's state.
Inputs that a person writes (the execution input) are strict: unknown fields and wrong types are refused, so a
typo such as `dry_rn` can never start a real refresh.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

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
    computed_field,
    model_validator,
)

from mitosis.errors import InvalidInput


def _rds_identifier(value: str) -> str:
    """RDS instance identifiers: 1-63 letters, digits and hyphens, a letter first, no "--", no trailing "-".
    RDS stores them in lowercase, whatever case a request used."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,62}", value) or "--" in value or value.endswith("-"):
        raise ValueError(f"{value!r} is not an RDS instance identifier (1-63 letters, digits and hyphens, "
                         "starting with a letter, no '--', not ending with '-')")
    return value.lower()


Identifier = Annotated[StrictStr, AfterValidator(_rds_identifier)]
NonEmpty = Annotated[StrictStr, Field(min_length=1)]

TEMP_PREFIX = "temp-"
OLD_PREFIX = "old-"


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- the execution input -------------------------------------------------------------------------------------


Timeout = Annotated[StrictInt, Field(ge=60, le=24 * 3600)]


class EcsRestart(StrictModel):
    """Force a new deployment of each listed ECS service and wait until every rollout completes (the new
    deployment running as many tasks as desired)."""

    type: Literal["ecs"]
    cluster: NonEmpty
    services: Annotated[list[NonEmpty], Field(min_length=1)]
    timeout_s: Timeout = 1800


class SsmTarget(StrictModel):
    """An SSM Run Command target, as the SendCommand API takes it: `InstanceIds` or `tag:<key>`."""

    Key: NonEmpty
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
SsmRestart = SsmCommand  # the name the restart hook had first


class RefreshRequest(StrictModel):
    """The execution input: what the console, the schedule and the CLI send."""

    source: Identifier
    target: Identifier
    dry_run: StrictBool = False
    restart: Restart | None = None
    # "keep": a failed restart leaves the new data and the old- tree; "rollback": the names go back to the old
    # instances, the application is restarted again, and the execution fails.
    on_restart_failure: Literal["keep", "rollback"] = "keep"
    before_swap: BeforeSwap | None = None
    master_password: MasterPassword | None = None
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


class EcsRollout(StrictModel):
    """The deployments a restart started, by service: what Wait for restart checks."""

    type: Literal["ecs"]
    cluster: str
    deployments: dict[str, str]
    timeout_s: int


class SsmInvocation(StrictModel):
    type: Literal["ssm"]
    command_id: str
    timeout_s: int


class EcsTaskRun(StrictModel):
    type: Literal["ecs_task"]
    cluster: str
    task_arn: str
    timeout_s: int


HookRun = Annotated[EcsRollout | SsmInvocation | EcsTaskRun, Field(discriminator="type")]
HOOK = TypeAdapter(Hook)
HOOK_RUN = TypeAdapter(HookRun)


class HookCheck(BaseModel):
    """What a hook's check gets: the run, and how long it has been waiting (Step Functions counts retries)."""

    run: HookRun
    retry_count: int = 0
    first_check_s: int = 0
    interval_s: int = 30

    @property
    def waited_s(self) -> int:
        return self.first_check_s + self.retry_count * self.interval_s


# --- the replication graph (gathered by Describe) ------------------------------------------------------------


class Tag(BaseModel):
    model_config = ConfigDict(frozen=True)

    Key: str
    Value: str = ""


class VpcSecurityGroup(BaseModel):
    VpcSecurityGroupId: str
    Status: str = "active"


class ParameterGroupStatus(BaseModel):
    DBParameterGroupName: str
    ParameterApplyStatus: str = "in-sync"


class OptionGroupStatus(BaseModel):
    OptionGroupName: str
    Status: str = "in-sync"


class DBInstance(BaseModel):
    """The part of a DescribeDBInstances entry (plus its tags) that the planner reads."""

    model_config = ConfigDict(extra="ignore")

    DBInstanceIdentifier: str
    DBInstanceArn: str = ""
    DBInstanceStatus: str = "available"
    Engine: str = ""
    DBClusterIdentifier: str | None = None
    ReadReplicaSourceDBInstanceIdentifier: str | None = None
    ReadReplicaDBInstanceIdentifiers: list[str] = Field(default_factory=list)
    TagList: list[Tag] = Field(default_factory=list)
    # settings a clone copies from its counterpart
    DBInstanceClass: str | None = None
    StorageType: str | None = None
    Iops: int | None = None
    StorageThroughput: int | None = None
    MaxAllocatedStorage: int | None = None
    MultiAZ: bool | None = None
    Port: int | None = None
    PubliclyAccessible: bool | None = None
    AutoMinorVersionUpgrade: bool | None = None
    CopyTagsToSnapshot: bool | None = None
    MonitoringInterval: int | None = None
    MonitoringRoleArn: str | None = None
    PerformanceInsightsEnabled: bool | None = None
    PerformanceInsightsKMSKeyId: str | None = None
    PerformanceInsightsRetentionPeriod: int | None = None
    IAMDatabaseAuthenticationEnabled: bool | None = None
    EnabledCloudwatchLogsExports: list[str] = Field(default_factory=list)
    PreferredMaintenanceWindow: str | None = None
    PreferredBackupWindow: str | None = None
    DeletionProtection: bool | None = None
    BackupRetentionPeriod: int | None = None
    VpcSecurityGroups: list[VpcSecurityGroup] = Field(default_factory=list)
    DBParameterGroups: list[ParameterGroupStatus] = Field(default_factory=list)
    OptionGroupMemberships: list[OptionGroupStatus] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _port_from_endpoint(cls, data: Any) -> Any:
        # DescribeDBInstances reports the port inside Endpoint (absent while creating) or as DbInstancePort.
        if isinstance(data, dict) and data.get("Port") is None:
            port = (data.get("Endpoint") or {}).get("Port") or data.get("DbInstancePort")
            if port:
                data = {**data, "Port": port}
        return data


class ReplicationGraph(BaseModel):
    """Every instance of the region, as Describe saw it. It travels in the execution state."""

    region: str
    instances: list[DBInstance]

    def get(self, identifier: str) -> DBInstance | None:
        return next((i for i in self.instances if i.DBInstanceIdentifier == identifier), None)

    def children(self, identifier: str) -> list[str]:
        """Replicas of `identifier`. A replica's own source link wins over its parent's replica list, which can
        lag behind; siblings keep the parent's list order, then the order Describe gave."""
        parent = self.get(identifier)
        linked = [i.DBInstanceIdentifier for i in self.instances
                  if i.ReadReplicaSourceDBInstanceIdentifier == identifier]
        listed = [r for r in (parent.ReadReplicaDBInstanceIdentifiers if parent else []) if r in linked]
        return listed + [r for r in linked if r not in listed]

    def tree(self, root: str) -> list[str]:
        """`root` and every replica below it, breadth first."""
        order, queue = [], [root]
        while queue:
            node = queue.pop(0)
            if node in order:  # a cycle in stale links must not loop forever
                continue
            order.append(node)
            queue.extend(self.children(node))
        return order

    def ancestors(self, identifier: str) -> list[str]:
        chain: list[str] = []
        node = self.get(identifier)
        while node and node.ReadReplicaSourceDBInstanceIdentifier and node.DBInstanceIdentifier not in chain:
            chain.append(node.ReadReplicaSourceDBInstanceIdentifier)
            node = self.get(node.ReadReplicaSourceDBInstanceIdentifier)
        return chain


class Run(BaseModel):
    """The execution a state runs in, from the Step Functions context object."""

    name: str
    started: str = ""
    state_machine: str = ""


class Refresh(BaseModel):
    """What Describe hands on: the validated request, the graph, and the execution."""

    request: RefreshRequest
    graph: ReplicationGraph
    run: Run


# --- the plan (made by the pure planner) ---------------------------------------------------------------------

Params = dict[str, Any]

# Tags the workflow puts on what it creates and retires, so a later run recognises them (and never touches
# an instance it does not own). A copy keeps its tags after the refresh: its generation tells it apart from
# the copies of a later refresh.
TAG_TARGET = "stack-mitosis:target"  # the refresh job's target
TAG_NAME = "stack-mitosis:name"  # the name of the target tree the instance holds, or will hold
TAG_SOURCE = "stack-mitosis:source"  # copies: whose data they hold
TAG_GENERATION = "stack-mitosis:generation"  # copies: the run that started the refresh that made them
TAG_REPLACED_BY = "stack-mitosis:replaced-by"  # retired instances: the generation that replaced them
TAG_PROTECTED = "stack-mitosis:deletion-protection"  # retired instances: their protection before retirement


class ReplicaBuild(BaseModel):
    """One replica of the temp tree: create it, then turn its backups on when it needs them."""

    name: str
    create: Params
    enable_backups: Params | None = None


class Level(BaseModel):
    """Replicas whose parents are all in earlier levels: built in parallel."""

    replicas: list[ReplicaBuild]


class Rename(BaseModel):
    """One rename of a swap. `tags` go on the instance first, so it stays recognisable under its new name;
    `generation` says whose instance may be renamed: the copy (`is_copy`) or the old data (not)."""

    rename: Params
    tags: list[Tag] = Field(default_factory=list)
    generation: str
    is_copy: bool


class Swap(BaseModel):
    """One name of the target tree: retire the old holder, then rename its copy into place (only the renames
    that are still to do)."""

    name: str
    renames: list[Rename]


class Restoration(BaseModel):
    """What a rollback of the swap needs for one name: whose copy may be moved, how to put the old instance
    back (with the deletion protection it had), and how to put the copy in place if the old one cannot serve."""

    name: str
    generation: str
    reinstate: Params
    install: Params


class Operation(BaseModel):
    """One line of the flight plan: an API call and its exact request."""

    op: str
    params: Params


class SnapshotRetention(BaseModel):
    """Final snapshots of old primaries: those named with `prefix` beyond the newest `keep` are deleted."""

    prefix: str
    keep: int


class BeforeSwapRun(BaseModel):
    """The before-swap hook, and the temp- primary it runs against."""

    hook: BeforeSwap
    DBInstanceIdentifier: str


class Plan(BaseModel):
    source: str
    target: str
    generation: str
    restores: list[Restoration]  # every name of the target tree, for a rollback of the swap
    discards: list[Params]  # DeleteDBInstance requests for broken or stale copies of ours
    clone: Params | None  # None once the copies are complete and the swap has begun
    promote: Params | None
    levels: list[Level]
    password: Params | None = None  # {DBInstanceIdentifier, secret_arn}: the copy's new master password
    before_swap: BeforeSwapRun | None = None
    swaps: list[Swap]
    protect: list[Params] = Field(default_factory=list)  # ModifyDBInstance: deletion protection for the copies
    restart: Restart | None
    deletes: list[Params]
    snapshots: SnapshotRetention | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def flight_plan(self) -> list[Operation]:
        """Every call the refresh makes, in order: the dry run's output."""
        ops = [Operation(op="DeleteDBInstance", params=d) for d in self.discards]
        if self.clone and self.promote:
            ops += [Operation(op="CreateDBInstanceReadReplica", params=self.clone),
                    Operation(op="PromoteReadReplica", params=self.promote)]
        for level in self.levels:
            for build in level.replicas:
                ops.append(Operation(op="CreateDBInstanceReadReplica", params=build.create))
                if build.enable_backups:
                    ops.append(Operation(op="ModifyDBInstance", params=build.enable_backups))
        if self.password:
            ops.append(Operation(op="ModifyDBInstance", params={
                "DBInstanceIdentifier": self.password["DBInstanceIdentifier"],
                "MasterUserPassword": f"(the value of {self.password['secret_arn']})", "ApplyImmediately": True}))
        if self.before_swap:
            ops.append(Operation(op=f"Before-swap hook ({self.before_swap.hook.type})",
                                 params=self.before_swap.model_dump()))
        for swap in self.swaps:
            ops.extend(Operation(op="ModifyDBInstance", params=step.rename) for step in swap.renames)
        ops.extend(Operation(op="ModifyDBInstance", params=p) for p in self.protect)
        if self.restart:
            ops.append(Operation(op=f"Restart ({self.restart.type})", params=self.restart.model_dump()))
        ops.extend(Operation(op="DeleteDBInstance", params=d) for d in self.deletes)
        return ops
