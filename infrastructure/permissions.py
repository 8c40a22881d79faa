"""Least privilege: one grant method per Lambda function, named after its handler module (see Fn in
infrastructure/functions.py), returning every statement that function needs and nothing more.

Names. A deployment may change only its targets' trees: `<target>` and `<target>-*` (replicas are named after
their primary, with a hyphen, so `mitosis-demo-*` does not cover `mitosis-demo2`), under their own names and
as `temp-` copies and `old-` retirees; the target of a job that declares `aurora` is the DB cluster `<target>` (as
`temp-`/`old-` too) and its instances `<target>-*`: only such a job gets the cluster actions, and no instance action
on `<target>` itself. Every role also carries an explicit Deny of every RDS action but reads on the sources
(`<source>`, and `<source>-*` unless a target is named so; an Aurora job's as a DB cluster too); only Clone may
also create its copy from them. An explicit Deny wins over any Allow, so a later widened Allow cannot reach
production.

Which (action, resource) pairs AWS checks for each call is in simulator/iam.py (from the Service
Authorization Reference); the simulation enforces these policies on every call a function makes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from mitosis.models import (
    OLD_PREFIX,
    TAG_TARGET,
    TEMP_PREFIX,
    EcsRestart,
    EcsTask,
    RefreshJob,
    SsmCommand,
    final_snapshot_prefix,
    source_copy_prefix,
)

from infrastructure.settings import STATE_MACHINE_NAME, TOPIC_NAME, Notifications

Statements = list[iam.PolicyStatement]
READS = ["rds:Describe*", "rds:List*"]
# Besides reading it, what a function may do to production: only Clone, which creates its copy from it (a read
# replica, a restore of its automated backups, or an Aurora clone of its cluster).
ON_PRODUCTION = {"clone": ["rds:CreateDBInstanceReadReplica", "rds:RestoreDBInstanceToPointInTime",
                           "rds:RestoreDBClusterToPointInTime"]}
# IAM's limits: a customer managed policy holds at most 6,144 characters (whitespace not counted); a role has
# at most 10 managed policies unless the quota is raised.
MANAGED_POLICY_CHARACTERS = 6144
MANAGED_POLICIES_PER_ROLE = 10
# The longest values the pseudo parameters in an ARN can take, to size policies before deployment.
LONGEST = {"AWS::Partition": "aws-us-gov", "AWS::Region": "ap-southeast-5", "AWS::AccountId": "123456789012",
           "AWS::URLSuffix": "amazonaws.com.cn"}


class Permissions(Construct):
    def __init__(self, scope: Construct, jobs: list[RefreshJob], notifications: Notifications | None = None) -> None:
        super().__init__(scope, "Permissions")
        self.jobs = jobs
        self.notifications = notifications or Notifications()
        self.stack = Stack.of(scope)

    # --- attaching ------------------------------------------------------------------------------------------

    def grant(self, function: lambda_.Function, method: Callable[[], Statements]) -> None:
        """The function's statements and the production Deny, in as few managed policies as IAM's size limit
        allows (a role's inline policies are limited to 10,240 characters in all: too few for 50 jobs)."""
        allowed_on_production = READS + ON_PRODUCTION.get(method.__name__, [])
        # A statement of a kind of target no job declares (an Aurora cluster's, an instance's) has no resource left.
        statements = [*(s for s in method() if s.resources),
                      iam.PolicyStatement(effect=iam.Effect.DENY, not_actions=allowed_on_production,
                                          resources=self._production())]
        role = function.role
        assert role is not None
        chunks: list[Statements] = [[]]
        for statement in statements:
            rest: iam.PolicyStatement | None = statement
            while rest is not None:
                head, rest = self._fit(chunks[-1], rest)
                if head is None and not chunks[-1]:
                    raise ValueError(f"{function.node.id}: one resource of a statement exceeds a managed policy")
                if head is not None:
                    chunks[-1].append(head)
                if rest is not None:
                    chunks.append([])
        if len(chunks) > MANAGED_POLICIES_PER_ROLE:
            raise ValueError(f"{function.node.id}: its permissions need {len(chunks)} managed policies; a role may "
                             f"have {MANAGED_POLICIES_PER_ROLE}. Declare fewer refresh jobs per deployment.")
        for number, chunk in enumerate(chunks, start=1):
            iam.ManagedPolicy(function, f"Permissions{number}", statements=chunk, roles=[role],
                              description=f"stack-mitosis: what {function.node.id} may do ({number}/{len(chunks)})")

    def _fit(self, chunk: Statements, statement: iam.PolicyStatement) -> tuple[iam.PolicyStatement | None,
                                                                                iam.PolicyStatement | None]:
        """(what of the statement fits in the policy `chunk` is filling, what is left for the next one): the whole
        statement, or the most of its resources that fit (each policy is filled: few policies per role)."""
        if self._size([*chunk, statement]) <= MANAGED_POLICY_CHARACTERS:
            return statement, None
        resources = statement.resources
        low, high = 0, len(resources) - 1  # the most resources that fit lie in [low, high]
        while low < high:
            middle = (low + high + 1) // 2
            if self._size([*chunk, self._with(statement, resources[:middle])]) <= MANAGED_POLICY_CHARACTERS:
                low = middle
            else:
                high = middle - 1
        if low == 0:
            return None, statement
        return self._with(statement, resources[:low]), self._with(statement, resources[low:])

    @staticmethod
    def _with(statement: iam.PolicyStatement, resources: list[str]) -> iam.PolicyStatement:
        return iam.PolicyStatement(effect=statement.effect, actions=statement.actions or None,
                                   not_actions=statement.not_actions or None, resources=resources,
                                   conditions=statement.conditions or None)

    def _size(self, statements: Statements) -> int:
        document = iam.PolicyDocument(statements=statements)
        return len(json.dumps(_render(self.stack.resolve(document.to_json())), separators=(",", ":")))

    # --- names ----------------------------------------------------------------------------------------------

    def _arn(self, service: str, resource: str, name: str, sep: ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
             account: str | None = None, region: str | None = None) -> str:
        return self.stack.format_arn(service=service, resource=resource, resource_name=name, arn_format=sep,
                                     account=account, region=region)

    def _db(self, *prefixes: str, primary: bool = True, replicas: bool = True, aurora: bool | None = None) -> list[str]:
        """Every target tree's instances under the given prefixes ("" for their own names): the primary
        (`<target>`), its replicas (`<target>-*`), or both; an Aurora target's instances are `<target>-*` (the
        primary's name is its cluster's). `aurora`: only the jobs that declare (or do not declare) Aurora."""
        suffixes = [suffix for suffix, wanted in (("", primary), ("-*", replicas)) if wanted]
        jobs = self.jobs if aurora is None else self._jobs(aurora)
        return [self._arn("rds", "db", f"{prefix}{job.target}{suffix}")
                for job in jobs for prefix in prefixes for suffix in suffixes if not (job.aurora and not suffix)]

    def _cluster(self, *prefixes: str) -> list[str]:
        """Every Aurora target's DB cluster under the given prefixes ("" for its own name)."""
        return [self._arn("rds", "cluster", f"{prefix}{job.target}") for job in self._jobs(aurora=True)
                for prefix in prefixes]

    def _jobs(self, aurora: bool) -> list[RefreshJob]:
        return [job for job in self.jobs if job.aurora == aurora]

    def _production(self) -> list[str]:
        """Each source, and its replicas as `<source>-*` unless a declared target is named `<source>-...` (the
        Deny would cover that target's tree too: there, production's replicas are kept by the Allows, which never
        name them, and by the planner); as DB instances, and as a DB cluster and its instances."""
        arns = []
        for job in self._sources():
            for kind in ("db", "cluster") if any(j.aurora for j in self.jobs if j.source == job.source) else ("db",):
                arns.append(self._arn("rds", kind, job.source))
                if not any(other.target.startswith(f"{job.source}-") for other in self.jobs):
                    arns.append(self._arn("rds", kind, f"{job.source}-*"))
        return arns

    def _sources(self) -> list[RefreshJob]:
        return list({job.source: job for job in self.jobs}.values())

    def _groups(self) -> list[str]:
        """The parameter, option and subnet groups a created or modified instance is checked against."""
        return [self._arn("rds", kind, "*") for kind in ("pg", "og", "subgrp")]

    def _final_snapshots(self, kind: str = "snapshot") -> list[str]:
        """The final snapshots of old primaries (`cluster-snapshot`: of old Aurora clusters)."""
        return [self._arn("rds", kind, f"{final_snapshot_prefix(job.target)}*")
                for job in self._jobs(aurora=kind == "cluster-snapshot")]

    def _source_copies(self) -> list[str]:
        return [self._arn("rds", "snapshot", f"{source_copy_prefix(job.target)}*") for job in self._jobs(aurora=False)]

    def _restorable_snapshots(self) -> list[str]:
        """The snapshots a restore may read: this account's (production's snapshots, automated ones named
        `rds:<source>-...`, manual ones any name), the declared ones shared from another account, and the copies
        a refresh makes."""
        shared = sorted({job.clone.snapshot for job in self.jobs
                         if job.clone.snapshot and job.clone.snapshot.startswith("arn:")})
        return [self._arn("rds", "snapshot", "*"), *shared]

    def _keys(self) -> str:
        return self._arn("kms", "key", "*", ArnFormat.SLASH_RESOURCE_NAME)

    def _via(self, service: str) -> dict[str, Any]:
        return {"StringEquals": {"kms:ViaService": f"{service}.{self.stack.region}.amazonaws.com"}}

    # --- building blocks ------------------------------------------------------------------------------------

    @staticmethod
    def _allow(actions: list[str], resources: list[str],
               conditions: dict[str, Any] | None = None) -> iam.PolicyStatement:
        return iam.PolicyStatement(actions=actions, resources=resources, conditions=conditions)

    def _describe(self, clusters: bool = False) -> Statements:
        """DescribeDBInstances, and DescribeDBClusters for a function that also reads an Aurora cluster (when a job
        declares one)."""
        aurora = clusters and bool(self._jobs(aurora=True))
        return [self._allow(["rds:DescribeDBInstances", *(["rds:DescribeDBClusters"] if aurora else [])], ["*"])]

    def _aurora(self, statements: Statements) -> Statements:
        """Statements only a job that declares an Aurora target needs."""
        return statements if self._jobs(aurora=True) else []

    def _create_copies(self, roles: bool = True) -> Statements:
        """What creating an encrypted, monitored copy needs besides the create: RDS creates a grant on the
        copy's customer managed key (only through RDS), and hands the monitoring role to enhanced monitoring
        (`roles`: an Aurora clone has none, its instances do)."""
        keys = self._allow(["kms:CreateGrant", "kms:DescribeKey"], [self._keys()], self._via("rds"))
        monitoring = self._allow(["iam:PassRole"], [self._arn("iam", "role", "*", ArnFormat.SLASH_RESOURCE_NAME,
                                                              region="")],
                                 {"StringEquals": {"iam:PassedToService": "monitoring.rds.amazonaws.com"}})
        return [keys, monitoring] if roles else [keys]

    def _hook_statements(self, hooks: list[Any], send: bool) -> Statements:
        """Starting (`send`) or following the declared hooks: SSM documents on their declared targets only,
        ECS services and tasks by name."""
        statements: Statements = []
        for hook in hooks:
            if isinstance(hook, SsmCommand):
                if send:
                    statements += self._send_command(hook)
                else:
                    statements.append(self._allow(["ssm:ListCommandInvocations", "ssm:ListCommands"], ["*"]))
            elif isinstance(hook, EcsRestart):
                action = "ecs:UpdateService" if send else "ecs:DescribeServices"
                statements.append(self._allow([action], [self._ecs("service", hook.cluster, s) for s in hook.services]))
            elif isinstance(hook, EcsTask):
                if send:
                    statements.append(self._allow(["ecs:RunTask"], [self._task_definition(hook.task_definition)]))
                    # RunTask hands the task definition's roles to ECS.
                    statements.append(self._allow(["iam:PassRole"], ["*"],
                                                  {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}))
                else:
                    statements.append(self._allow(["ecs:DescribeTasks"], [self._ecs("task", hook.cluster, "*")]))
        return statements

    def _send_command(self, hook: SsmCommand) -> Statements:
        """ssm:SendCommand is checked on the document and on every instance it runs on: instances named by id,
        or any instance carrying a declared tag (`ssm:resourceTag/<key>`), never any other."""
        statements = [self._allow(["ssm:SendCommand"], [self._document(hook.document)])]
        for target in hook.targets:
            if target.Key == "InstanceIds":
                statements.append(self._allow(["ssm:SendCommand"], [
                    self._arn("ec2", "instance", i, ArnFormat.SLASH_RESOURCE_NAME) for i in target.Values]))
            else:
                key = target.Key.removeprefix("tag:")
                statements.append(self._allow(["ssm:SendCommand"],
                                              [self._arn("ec2", "instance", "*", ArnFormat.SLASH_RESOURCE_NAME)],
                                              {"StringEquals": {f"ssm:resourceTag/{key}": target.Values}}))
        return statements

    def _document(self, name: str) -> str:
        """An SSM document's ARN. AWS-owned documents (AWS-RunShellScript...: these prefixes are reserved to AWS)
        have no account in their ARN; the account's own do."""
        if name.startswith("arn:"):
            return name
        owned_by_aws = name.lower().startswith(("aws", "amazon", "amzn"))
        return self._arn("ssm", "document", name, ArnFormat.SLASH_RESOURCE_NAME, account="" if owned_by_aws else None)

    def _ecs(self, kind: str, cluster: str, name: str) -> str:
        if name.startswith("arn:"):
            return name
        return self._arn("ecs", kind, f"{cluster.rsplit('/', 1)[-1]}/{name}", ArnFormat.SLASH_RESOURCE_NAME)

    def _task_definition(self, name: str) -> str:
        if name.startswith("arn:"):
            return name
        return self._arn("ecs", "task-definition", f"{name.split(':')[0]}:*", ArnFormat.SLASH_RESOURCE_NAME)

    def _restarts(self) -> list[Any]:
        return [job.restart for job in self.jobs if job.restart]

    def _before_swaps(self) -> list[Any]:
        return [job.before_swap for job in self.jobs if job.before_swap]

    # --- one method per function ----------------------------------------------------------------------------

    def describe(self) -> Statements:
        # A snapshot restore reads the snapshots, and whether this account may use a shared one's key.
        return [self._allow(["rds:DescribeDBInstances", "rds:DescribeDBClusters", "rds:ListTagsForResource",
                             "rds:DescribeAccountAttributes", "rds:DescribeDBSnapshots"], ["*"]),
                self._allow(["kms:DescribeKey"], [self._arn("kms", "key", "*", ArnFormat.SLASH_RESOURCE_NAME,
                                                            account="*")])]

    def copy_snapshot(self) -> Statements:
        copies = self._source_copies()
        return [self._allow(["rds:DescribeDBSnapshots"], ["*"]),
                self._allow(["rds:CopyDBSnapshot"], self._restorable_snapshots() + copies),
                self._allow(["rds:AddTagsToResource"], copies),
                self._allow(["kms:CreateGrant", "kms:DescribeKey"], [self._arn(
                    "kms", "key", "*", ArnFormat.SLASH_RESOURCE_NAME, account="*")], self._via("rds"))]

    def wait_snapshot(self) -> Statements:
        return [self._allow(["rds:DescribeDBSnapshots"], ["*"])]

    def check_concurrency(self) -> Statements:
        # ARNs from the machine's fixed name: a reference would make the machine and this policy depend on
        # each other.
        machine = self._arn("states", "stateMachine", STATE_MACHINE_NAME)
        executions = self._arn("states", "execution", f"{STATE_MACHINE_NAME}:*")
        return [self._allow(["states:ListExecutions"], [machine]),
                self._allow(["states:DescribeExecution"], [executions])]

    def plan(self) -> Statements:
        return []  # pure: the graph comes in the event

    def check_hooks(self) -> Statements:
        hooks = self._restarts() + self._before_swaps()
        statements = [self._allow(["ecs:DescribeServices"], [self._ecs("service", h.cluster, s) for s in h.services])
                      for h in hooks if isinstance(h, EcsRestart)]
        if any(isinstance(h, SsmCommand) for h in hooks):
            statements.append(self._allow(["ssm:DescribeInstanceInformation"], ["*"]))
        return statements

    def discard(self) -> Statements:
        # A copy a rollback moved back to temp- keeps the protection it took with the name: lifted just before
        # its deletion. A cluster's copy goes once its instances are being deleted.
        return [*self._describe(clusters=True),
                self._allow(["rds:ModifyDBInstance", "rds:DeleteDBInstance"], self._db(TEMP_PREFIX)),
                self._allow(["rds:ModifyDBCluster", "rds:DeleteDBCluster"], self._cluster(TEMP_PREFIX))]

    def wait_deleted(self) -> Statements:
        return self._describe(clusters=True)

    def clone(self) -> Statements:
        copy = self._db(TEMP_PREFIX, replicas=False)
        creates = [self._arn("rds", "db", job.source) for job in self._jobs(aurora=False)] + copy
        instances = [
            self._allow(["rds:CreateDBInstanceReadReplica", "rds:RestoreDBInstanceToPointInTime"],
                        creates + self._groups()),
            self._allow(["rds:RestoreDBInstanceFromDBSnapshot"],
                        self._restorable_snapshots() + self._source_copies() + copy + self._groups()),
            *self._create_copies()] if copy else []
        # An Aurora clone is checked on production's cluster, its copy and the groups it takes (the reference
        # requires a cluster parameter group, an option group and a subnet group), and its key.
        clone = [self._arn("rds", "cluster", job.source) for job in self._jobs(aurora=True)]
        clone += self._cluster(TEMP_PREFIX)
        clusters = self._aurora([
            self._allow(["rds:RestoreDBClusterToPointInTime"],
                        clone + [self._arn("rds", kind, "*") for kind in ("cluster-pg", "og", "subgrp")]),
            *self._create_copies(roles=False)])
        return [*self._describe(clusters=True), *instances, *clusters,
                self._allow(["rds:AddTagsToResource"], copy + self._cluster(TEMP_PREFIX))]

    def configure(self) -> Statements:
        # the parameter group RDS does not take at a replica's creation, backups, and what a restore does not
        # take (monitoring and Performance Insights, with their role and key)
        copies = self._db(TEMP_PREFIX, aurora=False)
        return [*self._describe(), self._allow(["rds:ModifyDBInstance"], copies + [
            self._arn("rds", "pg", "*")] if copies else []), *self._create_copies()]

    def promote(self) -> Statements:
        return [*self._describe(), self._allow(["rds:PromoteReadReplica"], self._db(TEMP_PREFIX, replicas=False))]

    def reboot(self) -> Statements:
        return [*self._describe(), self._allow(["rds:RebootDBInstance"], self._db(TEMP_PREFIX, aurora=False))]

    def create_replica(self) -> Statements:
        # the copy of the primary is the source of the first level; an Aurora cluster's instances are created in
        # the cluster's copy, with their own parameter group
        replicas = self._db(TEMP_PREFIX, primary=False)
        members, sources = self._db(TEMP_PREFIX, aurora=True), self._db(TEMP_PREFIX, aurora=False)
        return [*self._describe(),
                *([self._allow(["rds:CreateDBInstanceReadReplica"], sources + self._groups())] if sources else []),
                *self._aurora([self._allow(["rds:CreateDBInstance"], members + self._cluster(TEMP_PREFIX) + [
                    self._arn("rds", "pg", "*")])]),
                self._allow(["rds:AddTagsToResource"], replicas), *self._create_copies()]

    def wait_ready(self) -> Statements:
        return self._describe(clusters=True)

    def set_password(self) -> Statements:
        secrets = [job.master_password.secret_arn for job in self.jobs if job.master_password]
        if not secrets:
            return []
        # A secret's ARN ends in six random characters: a declared ARN without them matches with `-??????`. An
        # Aurora copy's password is its cluster's; a ModifyDBCluster is assumed to need rds:ModifyDBInstance on the
        # cluster's instances (simulator/iam.py).
        return [self._allow(["rds:ModifyDBInstance"], self._db(TEMP_PREFIX, replicas=False) + self._db(
                    TEMP_PREFIX, aurora=True)),
                self._allow(["rds:ModifyDBCluster"], self._cluster(TEMP_PREFIX)),
                self._allow(["secretsmanager:GetSecretValue"], secrets + [f"{arn}-??????" for arn in secrets]),
                self._allow(["kms:Decrypt"], [self._keys()], self._via("secretsmanager"))]

    def before_swap(self) -> Statements:
        hooks = self._before_swaps()
        return [*self._describe(clusters=True), *self._hook_statements(hooks, send=True)] if hooks else []

    def wait_before_swap(self) -> Statements:
        return self._hook_statements(self._before_swaps(), send=False)

    def rename(self) -> Statements:
        # Retiring tags the old instance (or cluster) first, so a later run recognises it under its old- name.
        return [*self._describe(clusters=True),
                self._allow(["rds:ModifyDBInstance"], self._db("", TEMP_PREFIX, OLD_PREFIX)),
                self._allow(["rds:ModifyDBCluster"], self._cluster("", TEMP_PREFIX, OLD_PREFIX)),
                self._allow(["rds:AddTagsToResource"], self._db("") + self._cluster(""))]

    def restore(self) -> Statements:
        # Restoring a name renames the copy away and old-<name> back; a copy stuck in a failed status cannot
        # be renamed, so it is deleted, and only if it carries this workflow's tag for that target.
        # (An Aurora target's cluster is not: its copy could be deleted only after its instances; a person must look.)
        tagged = [self._allow(["rds:ModifyDBInstance", "rds:DeleteDBInstance"], [
            self._arn("rds", "db", name) for name in ((f"{job.target}-*",) if job.aurora else (
                job.target, f"{job.target}-*"))], {"StringEquals": {f"aws:ResourceTag/{TAG_TARGET}": job.target}})
            for job in self.jobs]
        return [*self._describe(clusters=True),
                self._allow(["rds:ModifyDBInstance"], self._db("", TEMP_PREFIX, OLD_PREFIX)),
                self._allow(["rds:ModifyDBCluster"], self._cluster("", TEMP_PREFIX, OLD_PREFIX)), *tagged]

    def protect(self) -> Statements:
        return [*self._describe(clusters=True), self._allow(["rds:ModifyDBInstance"], self._db("")),
                self._allow(["rds:ModifyDBCluster"], self._cluster(""))]

    def restart(self) -> Statements:
        return self._hook_statements(self._restarts(), send=True)

    def wait_restart(self) -> Statements:
        return self._hook_statements(self._restarts(), send=False)

    def delete_old(self) -> Statements:
        # Since August 2024 a final snapshot is authorized as a CreateDBSnapshot of the instance and the snapshot.
        # Retiring lifted the old instances' protection: no modify. The final snapshot is the old primary's.
        # An old Aurora cluster goes once its instances are being deleted, with a final DB cluster snapshot (checked
        # as a CreateDBClusterSnapshot too, and on the snapshot).
        cluster_snapshots = self._final_snapshots("cluster-snapshot")
        return [*self._describe(clusters=True), self._allow(["rds:DeleteDBInstance"], self._db(OLD_PREFIX)),
                self._allow(["rds:CreateDBSnapshot"], self._db(OLD_PREFIX, replicas=False) + self._final_snapshots()),
                self._allow(["rds:DeleteDBCluster", "rds:CreateDBClusterSnapshot"],
                            self._cluster(OLD_PREFIX) + cluster_snapshots),
                self._allow(["rds:AddTagsToResource"], self._final_snapshots() + cluster_snapshots)]

    def prune_snapshots(self) -> Statements:
        return [*([self._allow(["rds:DescribeDBSnapshots"], ["*"])] if self._jobs(aurora=False) else []),
                *self._aurora([self._allow(["rds:DescribeDBClusterSnapshots"], ["*"])]),
                self._allow(["rds:DeleteDBSnapshot"], self._final_snapshots() + self._source_copies()),
                self._allow(["rds:DeleteDBClusterSnapshot"], self._final_snapshots("cluster-snapshot"))]

    def notify(self) -> Statements:
        # The finished execution (the event names it; its history says where it failed), and the topic, by
        # name as the state machine is: the topic's policy does not depend on this role either.
        executions = self._arn("states", "execution", f"{STATE_MACHINE_NAME}:*")
        topic = self.notifications.topic_arn or self.stack.format_arn(
            service="sns", resource=TOPIC_NAME, arn_format=ArnFormat.NO_RESOURCE_NAME)
        return [self._allow(["states:DescribeExecution", "states:GetExecutionHistory"], [executions]),
                self._allow(["sns:Publish"], [topic])]


def _render(value: Any) -> Any:
    """A resolved policy document with its pseudo parameters at their longest, to size it."""
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Fn::Join":
            return arg[0].join(str(_render(part)) for part in arg[1])
        if key == "Ref" and arg in LONGEST:
            return LONGEST[arg]
    if isinstance(value, dict):
        return {k: _render(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v) for v in value]
    return value
