"""The deployment's configuration, read from cdk.json context: refresh jobs, schedules, polling cadence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from mitosis.models import OLD_PREFIX, TEMP_PREFIX, RefreshJob
from pydantic import BaseModel, ConfigDict, Field, model_validator

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
STACK_NAME = "StackMitosis"
# The state machine's name, fixed so policies can name it without depending on it.
STATE_MACHINE_NAME = "stack-mitosis-refresh"
# The notification topic the stack creates (unless cdk.json names one), fixed for the same reason.
TOPIC_NAME = "stack-mitosis-notifications"


# The cdk.json context keys a deployment reads.
CONTEXT_KEYS = ("refresh_jobs", "polling", "notifications")


def cdk_json_context() -> dict[str, Any]:
    return dict(json.loads(CDK_JSON.read_text())["context"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Polling(Strict):
    """How the workflow waits for RDS: a first check when the operation could first be done, then a short
    interval, so a multi-hour refresh stays far below Step Functions' 25,000-event history limit. These are
    the defaults; cdk.json's `polling` overrides any of them."""

    interval_s: int = Field(default=30, ge=1)
    timeout_s: int = Field(default=6 * 3600, ge=60)
    # Production may be busy when a refresh starts (its backup window, a modification): how long to wait.
    source_timeout_s: int = Field(default=4 * 3600, ge=60)
    first_check_s: dict[str, int] = Field(default_factory=lambda: {
        "create_read_replica": 600, "copy_snapshot": 300, "modify": 60, "promote": 120, "reboot": 60,
        "rename": 60, "delete": 120, "hook": 30,
    })

    def first_check(self, operation: str) -> int:
        return self.first_check_s.get(operation, self.interval_s)

    def max_attempts(self, timeout_s: int | None = None) -> int:
        return max(1, (timeout_s or self.timeout_s) // self.interval_s)


class Notifications(Strict):
    """Where the message about each finished refresh goes: the topic the stack creates, or `topic_arn` (an
    existing topic, in the stack's region); `emails` are subscribed to it (each confirms by email first)."""

    topic_arn: str | None = Field(default=None,
                                  pattern=r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}$")
    emails: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = Field(default_factory=list)


class DeploymentSettings(Strict):
    refresh_jobs: list[RefreshJob] = Field(min_length=1)
    polling: Polling = Field(default_factory=Polling)
    notifications: Notifications = Field(default_factory=Notifications)

    @model_validator(mode="after")
    def _names_do_not_overlap(self) -> DeploymentSettings:
        """IAM scopes each target's tree as `<target>` and `<target>-*` (and their temp-/old- names): no job's
        source or target may fall inside another job's target tree."""
        names = [(job.name, "target", job.target) for job in self.refresh_jobs]
        names += [(job.name, "source", job.source) for job in self.refresh_jobs]
        for job in self.refresh_jobs:
            if job.source == job.target:
                raise ValueError(f"refresh job '{job.name}': source and target are both '{job.source}'")
            for owner, role, name in names:
                if owner == job.name and role == "target" and name == job.target:
                    continue
                for pattern in (job.target, TEMP_PREFIX + job.target, OLD_PREFIX + job.target):
                    if name == pattern or name.startswith(f"{pattern}-"):
                        raise ValueError(f"refresh job '{owner}': its {role} '{name}' falls inside job "
                                         f"'{job.name}''s target tree ('{job.target}' and '{job.target}-*')")
        return self

    @classmethod
    def from_context(cls, context: dict[str, Any]) -> DeploymentSettings:
        return cls.model_validate({key: context[key] for key in CONTEXT_KEYS if key in context})
