"""One Lambda function per job of the workflow, each with a role that allows only what that job does.

`Fn` declares every function once. From a member's name come its handler module
(`lambdas/mitosis/handlers/<module>.py`, which names its payload model), its grant method
(`Permissions.<module>` in infrastructure/permissions.py) and its tests (`tests/functional/test_<module>.py`);
tests/infrastructure/test_functions.py checks that all of them exist and that the README's state table agrees.
"""

from __future__ import annotations

import ast
import json
from enum import StrEnum
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infrastructure.permissions import Permissions
from infrastructure.settings import DeploymentSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAMBDA_SOURCE = PROJECT_ROOT / "lambdas"
HANDLERS = LAMBDA_SOURCE / "mitosis" / "handlers"
# Third-party packages the Lambda runtime lacks (pydantic, Powertools), built by `make layer`.
DEPENDENCY_LAYER = PROJECT_ROOT / "build" / "layer"


class Fn(StrEnum):
    """The workflow's Lambda functions, by construct name."""

    DESCRIBE = "Describe"
    CHECK_CONCURRENCY = "CheckConcurrency"
    PLAN = "Plan"
    CHECK_HOOKS = "CheckHooks"
    DISCARD = "Discard"
    WAIT_DELETED = "WaitDeleted"
    COPY_SNAPSHOT = "CopySnapshot"
    WAIT_SNAPSHOT = "WaitSnapshot"
    CLONE = "Clone"
    CONFIGURE = "Configure"
    PROMOTE = "Promote"
    REBOOT = "Reboot"
    CREATE_REPLICA = "CreateReplica"
    WAIT_READY = "WaitReady"
    SET_PASSWORD = "SetPassword"
    BEFORE_SWAP = "BeforeSwap"
    WAIT_BEFORE_SWAP = "WaitBeforeSwap"
    RENAME = "Rename"
    RESTORE = "Restore"
    PROTECT = "Protect"
    RESTART = "Restart"
    WAIT_RESTART = "WaitRestart"
    DELETE_OLD = "DeleteOld"
    PRUNE_SNAPSHOTS = "PruneSnapshots"
    NOTIFY = "Notify"  # not a state: EventBridge invokes it when an execution ends (infrastructure/monitoring.py)

    @property
    def module(self) -> str:
        """The handler module, grant method and test file name: `CREATE_REPLICA` -> `create_replica`."""
        return self.name.lower()

    @property
    def handler(self) -> str:
        return f"mitosis.handlers.{self.module}.handler"

    @property
    def summary(self) -> str:
        """The first sentence of the handler module's docstring (read without importing it)."""
        docstring = ast.get_docstring(ast.parse((HANDLERS / f"{self.module}.py").read_text())) or self.value
        return " ".join(docstring.split(". ")[0].split())


class RefreshFunctions(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: DeploymentSettings) -> None:
        super().__init__(scope, construct_id)
        if not (DEPENDENCY_LAYER / "python").is_dir():
            raise FileNotFoundError(f"{DEPENDENCY_LAYER} is missing: run `make layer` first.")
        layer = lambda_.LayerVersion(
            self, "Dependencies", code=lambda_.Code.from_asset(str(DEPENDENCY_LAYER)),
            compatible_runtimes=[lambda_.Runtime.PYTHON_3_12], description="pydantic and Powertools for the handlers",
        )
        # Caches and hidden folders (.mypy_cache...) would change the asset's hash, and publish a new version.
        code = lambda_.Code.from_asset(str(LAMBDA_SOURCE), exclude=["**/__pycache__", "**/*.pyc", "**/.*"])
        jobs = json.dumps([job.model_dump(mode="json") for job in settings.refresh_jobs])
        self.functions = {
            fn: lambda_.Function(
                self, f"{fn.value}Function", runtime=lambda_.Runtime.PYTHON_3_12,
                architecture=lambda_.Architecture.X86_64, handler=fn.handler, code=code, layers=[layer],
                description=f"{fn.summary[:200]} ({fn.handler})"[:256],
                timeout=Duration.seconds(60), memory_size=256, tracing=lambda_.Tracing.ACTIVE,
                log_group=logs.LogGroup(self, f"{fn.value}Logs", retention=logs.RetentionDays.ONE_MONTH),
                environment={"POWERTOOLS_SERVICE_NAME": "mitosis", "POWERTOOLS_LOG_LEVEL": "INFO",
                             **({"REFRESH_JOBS": jobs} if fn in (Fn.DESCRIBE, Fn.NOTIFY) else {})},
            )
            for fn in Fn
        }
        permissions = Permissions(self, settings.refresh_jobs, notifications=settings.notifications)
        for fn, function in self.functions.items():
            permissions.grant(function, getattr(permissions, fn.module))

    def __getitem__(self, fn: Fn) -> lambda_.Function:
        return self.functions[fn]
