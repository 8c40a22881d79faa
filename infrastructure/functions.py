"""One Lambda function per workflow state, each with a role that allows only what that state does."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from mitosis.models import TAG_TARGET, EcsRestart, EcsTask, SsmCommand

from infrastructure.settings import RefreshJob

# The state machine's name, fixed so policies can name it without depending on it.
STATE_MACHINE_NAME = "stack-mitosis-refresh"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAMBDA_SOURCE = PROJECT_ROOT / "lambdas"
# Third-party packages the Lambda runtime lacks (pydantic, Powertools), built by `make layer`.
DEPENDENCY_LAYER = PROJECT_ROOT / "build" / "layer"

# Construct id -> handler module in lambdas/mitosis/handlers.
HANDLERS = {
    "Describe": "describe",
    "Plan": "plan",
    "Clone": "clone",
    "Promote": "promote",
    "CreateReplica": "create_replica",
    "EnableBackups": "enable_backups",
    "WaitAvailable": "wait_available",
    "Rename": "rename",
    "Restart": "restart",
    "WaitRestart": "wait_restart",
    "DeleteOld": "delete_old",
    "WaitDeleted": "wait_deleted",
    "CheckConcurrency": "check_concurrency",
    "Discard": "discard",
    "Restore": "restore",
    "PruneSnapshots": "prune_snapshots",
    "SetPassword": "set_password",
    "BeforeSwap": "before_swap",
    "WaitBeforeSwap": "wait_before_swap",
    "Protect": "protect",
}
MUTATING_RDS_ACTIONS = [
    "rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:PromoteReadReplica", "rds:RebootDBInstance",
    "rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:StopDBInstance", "rds:CreateDBSnapshot",
]


class RefreshFunctions(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, jobs: list[RefreshJob]) -> None:
        super().__init__(scope, construct_id)
        if not (DEPENDENCY_LAYER / "python").is_dir():
            raise FileNotFoundError(f"{DEPENDENCY_LAYER} is missing: run `make layer` first.")
        self._jobs = jobs
        layer = lambda_.LayerVersion(
            self, "Dependencies", code=lambda_.Code.from_asset(str(DEPENDENCY_LAYER)),
            compatible_runtimes=[lambda_.Runtime.PYTHON_3_12], description="pydantic and Powertools for the handlers",
        )
        code = lambda_.Code.from_asset(str(LAMBDA_SOURCE), exclude=["**/__pycache__", "**/*.pyc", "**/.*"])
        self.functions = {
            name: lambda_.Function(
                self, f"{name}Function", runtime=lambda_.Runtime.PYTHON_3_12, architecture=lambda_.Architecture.X86_64,
                handler=f"mitosis.handlers.{module}.handler", code=code, layers=[layer],
                timeout=Duration.seconds(60), memory_size=256, tracing=lambda_.Tracing.ACTIVE,
                log_group=logs.LogGroup(self, f"{name}Logs", retention=logs.RetentionDays.ONE_MONTH),
                environment={"POWERTOOLS_SERVICE_NAME": "mitosis", "POWERTOOLS_LOG_LEVEL": "INFO"},
            )
            for name, module in HANDLERS.items()
        }
        self.functions["Plan"].add_environment(
            "REFRESH_JOBS", json.dumps([{"source": job.source, "target": job.target} for job in jobs]))
        self._grant()

    def __getitem__(self, name: str) -> lambda_.Function:
        return self.functions[name]

    # --- least privilege ------------------------------------------------------------------------------------

    def _db(self, name: str) -> str:
        return Stack.of(self).format_arn(service="rds", resource="db", resource_name=name,
                                         arn_format=ArnFormat.COLON_RESOURCE_NAME)

    def _rds(self, kind: str) -> str:
        return Stack.of(self).format_arn(service="rds", resource=kind, resource_name="*",
                                         arn_format=ArnFormat.COLON_RESOURCE_NAME)

    def _names(self, *prefixes: str) -> list[str]:
        """ARNs of every target tree's names under the given prefixes. Replicas are matched by the target's
        name as prefix (`mitosis-demo*` covers `mitosis-demo-replica`)."""
        return [self._db(f"{prefix}{job.target}*") for job in self._jobs for prefix in prefixes]

    def _allow(self, function: str, actions: list[str], resources: list[str]) -> None:
        self.functions[function].add_to_role_policy(iam.PolicyStatement(actions=actions, resources=resources))

    def _grant(self) -> None:
        # The groups CreateDBInstanceReadReplica is checked against (DB security groups are not among them).
        groups = [self._rds(kind) for kind in ("pg", "og", "subgrp")]
        sources = sorted({self._db(job.source) for job in self._jobs})
        # Describe lists every instance, and their tags when the list lacks them; the RDS states look at live
        # state first, to skip work already done. Plan and the restart states never read RDS.
        self._allow("Describe", ["rds:DescribeDBInstances", "rds:ListTagsForResource"], ["*"])
        for name in ("Clone", "CreateReplica", "Promote", "EnableBackups", "WaitAvailable", "Rename", "DeleteOld",
                     "WaitDeleted"):
            self._allow(name, ["rds:DescribeDBInstances"], ["*"])
        self._allow("Clone", ["rds:CreateDBInstanceReadReplica"], sources + self._names("temp-") + groups)
        self._allow("Clone", ["rds:AddTagsToResource"], self._names("temp-"))
        self._allow("CreateReplica", ["rds:CreateDBInstanceReadReplica"], self._names("temp-") + groups)
        self._allow("CreateReplica", ["rds:AddTagsToResource"], self._names("temp-"))
        self._allow("Promote", ["rds:PromoteReadReplica"], self._names("temp-"))
        self._allow("EnableBackups", ["rds:ModifyDBInstance"], self._names("temp-"))
        # Renames name no groups: the old settings ride on the copy's creation.
        self._allow("Rename", ["rds:ModifyDBInstance"], self._names("", "temp-", "old-"))
        self._allow("DeleteOld", ["rds:DeleteDBInstance"], self._names("old-"))
        self._grant_restart()
        self._grant_recovery()
        self._grant_before_swap()
        # Production is read-only even if a later change widens an Allow: an explicit Deny always wins.
        for function in self.functions.values():
            function.add_to_role_policy(iam.PolicyStatement(
                effect=iam.Effect.DENY, actions=MUTATING_RDS_ACTIONS,
                resources=[arn for job in self._jobs for arn in (self._db(job.source), self._db(f"{job.source}-*"))],
            ))

    def _grant_recovery(self) -> None:
        """What re-runs, rollbacks and the old primary's final snapshot need."""
        stack = Stack.of(self)
        for name in ("Discard", "Restore"):
            self._allow(name, ["rds:DescribeDBInstances"], ["*"])
        # Retiring tags the old instance first, so a later run recognises it under its old- name.
        self._allow("Rename", ["rds:AddTagsToResource"], self._names(""))
        self._allow("Protect", ["rds:DescribeDBInstances"], ["*"])
        self._allow("Protect", ["rds:ModifyDBInstance"], self._names(""))
        # A copy a rollback moved back to temp- keeps the protection it took with the name: lifted just before
        # its deletion. (Retiring already lifts the old instances' protection, so Delete old needs no modify.)
        self._allow("Discard", ["rds:ModifyDBInstance", "rds:DeleteDBInstance"], self._names("temp-"))
        snapshots = [stack.format_arn(service="rds", resource="snapshot", resource_name=f"{job.target}-final-*",
                                      arn_format=ArnFormat.COLON_RESOURCE_NAME) for job in self._jobs]
        self._allow("DeleteOld", ["rds:CreateDBSnapshot"], self._names("old-") + snapshots)
        self._allow("DeleteOld", ["rds:AddTagsToResource"], snapshots)
        self._allow("PruneSnapshots", ["rds:DescribeDBSnapshots"], ["*"])
        self._allow("PruneSnapshots", ["rds:DeleteDBSnapshot"], snapshots)
        # Restoring a name renames the copy away and old-<name> back; a copy stuck in a failed status cannot
        # be renamed, so it is deleted, and only if it carries this workflow's tag for that target.
        self._allow("Restore", ["rds:ModifyDBInstance"], self._names("", "temp-", "old-"))
        for job in self._jobs:
            self.functions["Restore"].add_to_role_policy(iam.PolicyStatement(
                actions=["rds:ModifyDBInstance", "rds:DeleteDBInstance"], resources=[self._db(f"{job.target}*")],
                conditions={"StringEquals": {f"aws:ResourceTag/{TAG_TARGET}": job.target}},
            ))
        # One refresh per target: the guard reads the state machine's running executions. The ARNs are built
        # from the machine's fixed name: a reference would make the machine and this policy depend on each other.
        machine = stack.format_arn(service="states", resource="stateMachine", resource_name=STATE_MACHINE_NAME,
                                   arn_format=ArnFormat.COLON_RESOURCE_NAME)
        executions = stack.format_arn(service="states", resource="execution", resource_name=f"{STATE_MACHINE_NAME}:*",
                                      arn_format=ArnFormat.COLON_RESOURCE_NAME)
        self._allow("CheckConcurrency", ["states:ListExecutions"], [machine])
        self._allow("CheckConcurrency", ["states:DescribeExecution"], [executions])

    def _grant_before_swap(self) -> None:
        """The copy's master password from the declared secrets; the declared before-swap hooks."""
        stack = Stack.of(self)
        secrets = [job.master_password.secret_arn for job in self._jobs if job.master_password]
        if secrets:
            self._allow("SetPassword", ["rds:ModifyDBInstance"], self._names("temp-"))
            self._allow("SetPassword", ["secretsmanager:GetSecretValue"], secrets)
        hooks = [job.before_swap for job in self._jobs if job.before_swap]
        if hooks:
            self._allow("BeforeSwap", ["rds:DescribeDBInstances"], ["*"])
        commands = [hook for hook in hooks if isinstance(hook, SsmCommand)]
        if commands:
            self._allow("BeforeSwap", ["ssm:SendCommand"], [self._document(c.document) for c in commands]
                        + [stack.format_arn(service="ec2", resource="instance", resource_name="*")])
            self._allow("WaitBeforeSwap", ["ssm:ListCommandInvocations"], ["*"])
        ecs_tasks = [hook for hook in hooks if isinstance(hook, EcsTask)]
        if ecs_tasks:
            self._allow("BeforeSwap", ["ecs:RunTask"], [self._task_definition(t.task_definition) for t in ecs_tasks])
            # RunTask hands the task definition's roles to ECS.
            self.functions["BeforeSwap"].add_to_role_policy(iam.PolicyStatement(
                actions=["iam:PassRole"], resources=["*"],
                conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}))
            self._allow("WaitBeforeSwap", ["ecs:DescribeTasks"], [
                stack.format_arn(service="ecs", resource="task", resource_name=f"{t.cluster}/*") for t in ecs_tasks])

    def _document(self, name: str) -> str:
        """An SSM document's ARN. AWS-owned documents (AWS-RunShellScript, AWSSupport-..., AmazonCloudWatch-...:
        these prefixes are reserved to AWS) have no account in their ARN; the account's own do."""
        owned_by_aws = name.lower().startswith(("aws", "amazon", "amzn"))
        return Stack.of(self).format_arn(service="ssm", resource="document", resource_name=name,
                                         account="" if owned_by_aws else None)

    def _task_definition(self, name: str) -> str:
        if name.startswith("arn:"):
            return name
        family = name.split(":")[0]
        return Stack.of(self).format_arn(service="ecs", resource="task-definition", resource_name=f"{family}:*")

    def _grant_restart(self) -> None:
        stack = Stack.of(self)
        restarts = [job.restart for job in self._jobs if job.restart]
        services = [stack.format_arn(service="ecs", resource="service", resource_name=f"{restart.cluster}/{name}")
                    for restart in restarts if isinstance(restart, EcsRestart) for name in restart.services]
        documents = [self._document(restart.document) for restart in restarts if isinstance(restart, SsmCommand)]
        if services:
            self._allow("Restart", ["ecs:UpdateService"], services)
            self._allow("WaitRestart", ["ecs:DescribeServices"], services)
        if documents:
            instances = stack.format_arn(service="ec2", resource="instance", resource_name="*")
            self._allow("Restart", ["ssm:SendCommand"], documents + [instances])
            self._allow("WaitRestart", ["ssm:ListCommandInvocations"], ["*"])
