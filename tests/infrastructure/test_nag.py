"""cdk-nag's AwsSolutions and Serverless packs find nothing that infrastructure/nag.py does not acknowledge, for
every kind of grant a deployment can declare (`make check` runs them on cdk.json's deployment only)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App

from infrastructure import nag
from infrastructure.app import build_app

SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:mitosis-demo-password-AbCdEf"
# Every hook kind, a declared secret, a schedule, an account's own SSM document and an ECS task definition
# named by family and by ARN, an Aurora cluster; a notification topic of the account's, with email subscriptions.
EVERY_GRANT: dict[str, Any] = {
    "notifications": {"topic_arn": "arn:aws:sns:us-west-2:123456789012:ops-alerts", "emails": ["ops@example.com"]},
    "refresh_jobs": [
        {"name": "demo", "source": "mitosis-prod", "target": "mitosis-demo", "schedule": "cron(0 3 ? * SUN *)",
         "restart": {"type": "ssm", "document": "AWS-RunShellScript",
                     "targets": [{"Key": "tag:app", "Values": ["demo"]}],
                     "parameters": {"commands": ["systemctl restart app"]}},
         "on_restart_failure": "rollback",
         "before_swap": {"type": "ecs_task", "cluster": "jobs", "task_definition": "scrub:3", "container": "scrub",
                         "subnets": ["subnet-1"], "security_groups": ["sg-1"]},
         "master_password": {"secret_arn": SECRET}},
        {"name": "qa", "source": "mitosis-prod", "target": "mitosis-qa",
         "restart": {"type": "ecs", "cluster": "qa", "services": ["web", "worker"]},
         "before_swap": {"type": "ssm", "document": "ScrubDatabase",
                         "targets": [{"Key": "tag:role", "Values": ["ops"]}]}},
        {"name": "reports", "source": "mitosis-prod", "target": "mitosis-reports",
         "before_swap": {"type": "ecs_task", "cluster": "jobs", "container": "scrub",
                         "task_definition": "arn:aws:ecs:us-west-2:123456789012:task-definition/scrub-reports:7"}},
        {"name": "aurora", "source": "orders-prod", "target": "orders-staging", "aurora": True,
         "master_password": {"secret_arn": SECRET}},
    ],
}


def findings(app: App, outdir: Path) -> list[str]:
    """The findings left after synthesis: `rule at construct path`."""
    with contextlib.suppress(RuntimeError):  # ValidationFailed, when cdk-nag reports an error: the report says
        app.synth()
    report = json.loads((outdir / "validation-report.json").read_text())
    return sorted(f"{violation['ruleName']} at {construct['constructPath']}"
                  for plugin in report["pluginReports"] for violation in plugin["violations"]
                  for construct in violation["violatingConstructs"])


@pytest.mark.parametrize("context", [EVERY_GRANT, None, {**EVERY_GRANT, "notifications": {"emails": ["a@b.example"]}}],
                         ids=["every grant", "cdk.json", "the stack's own topic"])
def test_every_finding_is_fixed_or_acknowledged(context: dict[str, Any] | None, tmp_path: Path) -> None:
    app = build_app(context, outdir=str(tmp_path))
    nag.apply(app)
    assert findings(app, tmp_path) == []


def test_without_the_acknowledgments_the_packs_find_what_they_cover(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nag, "acknowledge", lambda stack: None)
    app = build_app(EVERY_GRANT, outdir=str(tmp_path))
    nag.apply(app)
    rules = {finding.split(" at ")[0] for finding in findings(app, tmp_path)}
    assert {"AwsSolutions-L1", "Serverless-LambdaDLQ", "Serverless-EventBusDLQ", "AwsSolutions-IAM5[Resource::*]",
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/jobs/*]",
            } <= rules
    # fixed, not acknowledged
    assert not {rule for rule in rules if rule.startswith(("Serverless-LambdaTracing", "AwsSolutions-SF",
                                                           "AwsSolutions-SNS"))}


def test_a_wildcard_on_a_mutating_action_is_not_acknowledged() -> None:
    assert nag._unscoped_actions({"Statement": [
        {"Effect": "Allow", "Action": "rds:DescribeDBInstances", "Resource": "*"}]}) == {"rds:DescribeDBInstances"}
    assert nag._unscoped_actions({"Statement": [
        {"Effect": "Allow", "Action": ["rds:DescribeDBInstances", "rds:DeleteDBInstance"], "Resource": "*"}]}) is None
    pass_any_role = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    assert nag._unscoped_actions({"Statement": [pass_any_role]}) is None
    pass_to_ecs = {**pass_any_role, "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}
    assert nag._unscoped_actions({"Statement": [pass_to_ecs]}) == {"iam:PassRole"}
