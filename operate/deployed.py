"""What is deployed: the refresh jobs (cdk.json's context, the configuration `cdk deploy` deployed, or another
context file) and the stack's outputs (the state machine to start)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from mitosis.models import RefreshJob
from pydantic import ValidationError

from infrastructure.settings import STACK_NAME, DeploymentSettings, cdk_json_context
from operate.accounts import AccountError


def context(path: str | None) -> dict[str, Any]:
    if path is None:
        return cdk_json_context()
    try:
        loaded = json.loads(Path(path).read_text())
    except OSError as error:
        raise AccountError(f"cannot read context {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise AccountError(f"context {path} is not JSON: {error}") from None
    if not isinstance(loaded, dict):
        raise AccountError(f"context {path} is not a JSON object")
    return dict(loaded.get("context", loaded))  # a cdk.json, or its context alone


def jobs(context_path: str | None) -> list[RefreshJob]:
    try:
        return DeploymentSettings.from_context(context(context_path)).refresh_jobs
    except ValidationError as error:
        raise AccountError(f"the refresh jobs are not valid: {error.errors()[0]['msg']}") from None


def job_named(declared: list[RefreshJob], name: str) -> RefreshJob:
    job = next((job for job in declared if job.name == name), None)
    if job is None:
        names = ", ".join(job.name for job in declared) or "none"
        raise AccountError(f"unknown refresh job {name!r} (declared: {names})")
    return job


def job_of(declared: list[RefreshJob], execution_input: Any) -> str:
    """The declared job an execution's input is for, "-" when none."""
    if not isinstance(execution_input, dict):
        return "-"
    pair = (execution_input.get("source"), execution_input.get("target"))
    return next((job.name for job in declared if (job.source, job.target) == pair), "-")


def outputs(cloudformation: Any, stack: str = STACK_NAME) -> dict[str, str]:
    """The deployed stack's outputs; AccountError when it is not deployed in the client's region."""
    try:
        found = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ValidationError" and "does not exist" in str(error):
            raise AccountError(f"the stack {stack} is not deployed in {cloudformation.meta.region_name} (deploy it "
                               "with `npx --no-install cdk deploy`, or pass --region)") from None
        raise
    return {output["OutputKey"]: output["OutputValue"] for output in found[0].get("Outputs", [])}


def state_machine_arn(cloudformation: Any, stack: str = STACK_NAME) -> str:
    arn = outputs(cloudformation, stack).get("StateMachineArn")
    if not arn:
        raise AccountError(f"the stack {stack} has no StateMachineArn output: is it stack-mitosis?")
    return arn
