"""The simulated deployment: the real CDK app synthesized, its Lambdas and state machine created in moto.

The state machine that runs offline is the one `cdk deploy` would deploy: its definition is taken from the
synthesized template, with CloudFormation's intrinsic functions resolved to the simulated account.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from mitosis.models import RefreshJob
from pydantic import ValidationError

from infrastructure.settings import STACK_NAME, STATE_MACHINE_NAME, DeploymentSettings

if TYPE_CHECKING:
    from simulator.monitoring import Monitoring

ACCOUNT_ID = "123456789012"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Synthesis takes seconds of jsii; templates are cached by context and by the code that builds them.
CACHE_DIR = PROJECT_ROOT / "build" / "synth-cache"
TEMPLATE_SOURCES = [PROJECT_ROOT / "app.py", PROJECT_ROOT / "cdk.json", *sorted(
    (PROJECT_ROOT / "infrastructure").glob("*.py"))]


@dataclass(frozen=True)
class Deployment:
    state_machine_arn: str
    functions: dict[str, str]  # logical id -> function name
    template: dict[str, Any]
    monitoring: Monitoring | None = None  # the topic, the rules, the alarms, the stack's outputs


def simulated_context(execution_input: Any, base: dict[str, Any]) -> dict[str, Any]:
    """The deployment a user would configure for this refresh: a job for the input's source and target, with
    the input's hooks and secret as its declarations (IAM grants only what a job declares).

    When the input cannot name a job (it is invalid, which the workflow itself must refuse), the base
    context's jobs stay as they are; an invalid hook (refused as well) is left out of the job."""
    context = dict(base)
    if isinstance(execution_input, dict):
        fields = {"name": "simulated", "source": execution_input.get("source"),
                  "target": execution_input.get("target"), "schedule": None}
        try:
            job = RefreshJob.model_validate(fields)
        except ValidationError:
            return context
        for declared in RefreshJob.DECLARED:
            if declared in execution_input:
                with contextlib.suppress(ValidationError):
                    job = RefreshJob.model_validate({**job.model_dump(), declared: execution_input[declared]})
        try:  # a job no deployment may declare (source = target...) is left out, as cdk deploy would refuse it
            DeploymentSettings.model_validate({"refresh_jobs": [job]})
        except ValidationError:
            return context
        context["refresh_jobs"] = [job.model_dump(mode="json")]
    return context


def synthesize(context: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation template of the stack for this context (cached)."""
    digest = hashlib.sha256(json.dumps(context, sort_keys=True).encode())
    for source in TEMPLATE_SOURCES:
        digest.update(source.read_bytes())
    cached = CACHE_DIR / f"{digest.hexdigest()[:24]}.json"
    if cached.exists():
        return dict(json.loads(cached.read_text()))
    os.environ.setdefault("CDK_VALIDATION", "false")
    from infrastructure.app import build_app  # jsii starts a node process: only when a template is needed

    template = dict(build_app(context).synth().get_stack_by_name(STACK_NAME).template)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")  # parallel test workers may synthesize the same one
    partial.write_text(json.dumps(template))
    partial.replace(cached)
    return template


def resolve(value: Any, region: str, function_arns: dict[str, str]) -> Any:
    """Render the intrinsic functions CDK puts in a state machine definition."""
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Fn::Join":
            separator, parts = arg
            return separator.join(str(resolve(p, region, function_arns)) for p in parts)
        if key == "Fn::GetAtt":
            return function_arns[arg[0]]
        if key == "Ref":
            pseudo = {"AWS::Partition": "aws", "AWS::Region": region, "AWS::AccountId": ACCOUNT_ID,
                      "AWS::URLSuffix": "amazonaws.com"}
            return pseudo.get(arg) or function_arns[arg]
    if isinstance(value, dict):
        return {k: resolve(v, region, function_arns) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, region, function_arns) for v in value]
    return value


def deploy(template: dict[str, Any], region: str) -> Deployment:
    """Create the template's Lambda functions, state machine and monitoring (simulator.monitoring) in moto
    (inside an active mock_aws)."""
    iam = boto3.client("iam", region_name=region)
    role_arn = iam.create_role(RoleName="mitosis-simulated", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lambda_client = boto3.client("lambda", region_name=region)
    resources = template["Resources"]
    function_arns, functions = {}, {}
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        props = resource["Properties"]
        name = logical_id[:64]
        created = lambda_client.create_function(
            FunctionName=name, Runtime=props["Runtime"], Role=role_arn, Handler=props["Handler"],
            Code={"ZipFile": _placeholder_zip()}, Timeout=props.get("Timeout", 60),
            # A variable naming a resource created later (the topic) is set once it exists (simulator.monitoring).
            Environment={"Variables": {k: v for k, v in props.get("Environment", {}).get("Variables", {}).items()
                                       if isinstance(v, str)}},
        )
        function_arns[logical_id] = created["FunctionArn"]
        functions[logical_id] = name
    machine_id, machine = next((k, r) for k, r in resources.items() if r["Type"] == "AWS::StepFunctions::StateMachine")
    definition = resolve(machine["Properties"]["DefinitionString"], region, function_arns)
    sfn = boto3.client("stepfunctions", region_name=region)
    arn = sfn.create_state_machine(name=STATE_MACHINE_NAME, definition=definition,
                                   roleArn=role_arn)["stateMachineArn"]
    from simulator.monitoring import deploy_monitoring  # it renders ARNs with this module's resolve

    monitoring = deploy_monitoring(template, region, {**function_arns, machine_id: arn})
    return Deployment(state_machine_arn=arn, functions=functions, template=template, monitoring=monitoring)


def _placeholder_zip() -> bytes:
    # moto wants a code package; the handlers run in-process from the project's own sources instead.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README", "handlers run in-process in the simulation")
    return buffer.getvalue()
