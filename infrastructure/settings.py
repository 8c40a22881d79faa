"""The deployment's configuration, read from cdk.json context: refresh jobs, schedules, polling cadence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Literal

from mitosis.models import BeforeSwap, Identifier, MasterPassword, RefreshRequest, Restart
from pydantic import BaseModel, ConfigDict, Field

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
STACK_NAME = "StackMitosis"


def cdk_json_context() -> dict[str, Any]:
    return dict(json.loads(CDK_JSON.read_text())["context"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RefreshJob(Strict):
    """One refresh the deployment may run: the only (source, target) pairs the workflow and IAM allow."""

    name: str = Field(pattern=r"^[A-Za-z0-9-]{1,40}$")
    source: Identifier
    target: Identifier
    restart: Restart | None = None
    on_restart_failure: Literal["keep", "rollback"] = "keep"
    before_swap: BeforeSwap | None = None
    master_password: MasterPassword | None = None
    # EventBridge schedule expression, e.g. "cron(0 3 ? * SUN *)"; without one the job runs only when started
    # from the console or the CLI.
    schedule: str | None = None

    # The hooks and the secret are declared here too: IAM grants only what the configuration names.
    HOOK_FIELDS: ClassVar[tuple[str, ...]] = ("restart", "on_restart_failure", "before_swap", "master_password")

    def execution_input(self) -> dict[str, Any]:
        request = RefreshRequest(source=self.source, target=self.target,
                                 **{name: getattr(self, name) for name in self.HOOK_FIELDS})
        return request.model_dump(mode="json", exclude_none=True)


class Polling(Strict):
    """How the workflow waits for RDS: a first check when the operation could first be done, then a short
    interval, so a multi-hour refresh stays far below Step Functions' 25,000-event history limit."""

    interval_s: int = Field(default=30, ge=1)
    timeout_s: int = Field(default=6 * 3600, ge=60)
    first_check_s: dict[str, int] = Field(default_factory=lambda: {
        "create_read_replica": 600, "promote": 120, "enable_backups": 120, "rename": 60,
        "delete": 120, "restart": 30,
    })

    def first_check(self, operation: str) -> int:
        return self.first_check_s.get(operation, self.interval_s)

    @property
    def max_attempts(self) -> int:
        return max(1, self.timeout_s // self.interval_s)


class DeploymentSettings(Strict):
    refresh_jobs: list[RefreshJob] = Field(min_length=1)
    polling: Polling = Field(default_factory=Polling)

    @classmethod
    def from_context(cls, context: dict[str, Any]) -> DeploymentSettings:
        return cls.model_validate({key: context[key] for key in ("refresh_jobs", "polling") if key in context})
