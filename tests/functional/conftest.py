"""Fixtures of the handler tests: a fresh moto account per test, a Lambda context, a small RDS world, the envelope
every task's event comes in, and ways to look behind a handler: record the RDS calls it makes, script an adapter's
AWS responses with a Stubber (statuses moto cannot produce), answer one operation moto does not implement, and
read the log lines it writes.

Each handler module `mitosis/handlers/<module>.py` has its tests in `test_<module>.py`, calling `handler(envelope,
context)` as Lambda does and reading the JSON it returns."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from botocore.validate import validate_parameters
from mitosis import runtime
from mitosis.adapters.ecs import Ecs
from mitosis.adapters.rds import Rds
from mitosis.adapters.secrets import Secrets
from mitosis.adapters.sfn import StepFunctions
from mitosis.adapters.ssm import Ssm
from moto import mock_aws

REGION = "us-west-2"
ACCOUNT = "123456789012"
EXECUTION = "run-1"  # the execution every envelope names (and the generation of the copies it makes)
TARGET = "staging"

# An adapter name given to `stub` -> the boto3 service it talks to, its class, and whether it is a field of the
# handler module's `adapters` (HookAdapters) rather than a module attribute of its own.
ADAPTERS: dict[str, tuple[str, type, bool]] = {
    "rds": ("rds", Rds, False), "sfn": ("stepfunctions", StepFunctions, False),
    "secrets": ("secretsmanager", Secrets, False), "ecs": ("ecs", Ecs, True), "ssm": ("ssm", Ssm, True),
}

Json = dict[str, Any]
Live = Callable[[str], Any]  # live(name) -> the instance as moto describes it now, or None
Calls = Callable[[ModuleType], list[str]]
Requests = Callable[[ModuleType], list[tuple[str, Json]]]
Stub = Callable[[ModuleType, str], Stubber]
Answer = Callable[[ModuleType, str, str, Json], None]
CreateInstance = Callable[..., None]
Logs = Callable[[], list[Json]]


def envelope(payload: Any, *, target: str | None = TARGET, execution: str = EXECUTION) -> Json:
    """A task's event as the state machine sends it: the payload, and who the task works for (Describe runs
    before the target is known: `target=None`)."""
    task: Json = {"execution": execution}
    if target is not None:
        task["target"] = target
    return {"event": payload, "context": task}


def described(name: str, status: str = "available", **fields: Any) -> Json:
    """A DescribeDBInstances response with one instance."""
    return {"DBInstances": [{"DBInstanceIdentifier": name, "DBInstanceStatus": status, **fields}]}


def not_found(stubber: Stubber, name: str) -> None:
    """Script DescribeDBInstances of `name` answering that no instance has that name."""
    stubber.add_client_error("describe_db_instances", service_error_code="DBInstanceNotFound",
                             http_status_code=404, expected_params={"DBInstanceIdentifier": name})


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def is_plain_json(value: Any) -> bool:
    """Whether `value` survives JSON unchanged, as Step Functions carries a result."""
    return bool(json.loads(json.dumps(value)) == value)


@dataclass(frozen=True)
class FakeLambdaContext:
    """What Powertools' inject_lambda_context reads from the real context."""

    function_name: str = "mitosis-test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mitosis-test"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials in us-west-2 and a moto account of this test's own (the adapters' cached clients are
    intercepted by whichever mock is active)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL", "REFRESH_JOBS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


@pytest.fixture
def context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def rds_client(aws: None) -> Any:
    return boto3.client("rds", region_name=REGION)


@pytest.fixture
def ecs_client(aws: None) -> Any:
    return boto3.client("ecs", region_name=REGION)


@pytest.fixture
def ssm_client(aws: None) -> Any:
    return boto3.client("ssm", region_name=REGION)


@pytest.fixture
def ec2_client(aws: None) -> Any:
    return boto3.client("ec2", region_name=REGION)


@pytest.fixture
def create_instance(rds_client: Any) -> CreateInstance:
    """Create a primary MySQL instance: create_instance(name, retention=1, tags={"env": "x"}, **settings)."""

    def create(name: str, *, retention: int = 1, tags: dict[str, str] | None = None, **settings: Any) -> None:
        rds_client.create_db_instance(
            DBInstanceIdentifier=name, Engine="mysql", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
            MasterUsername="admin", MasterUserPassword="password123", BackupRetentionPeriod=retention,
            Tags=tag_list(tags or {}), **settings)

    return create


@pytest.fixture
def create_replica(rds_client: Any) -> CreateInstance:
    """Create a same-region read replica: create_replica(name, source, tags={...})."""

    def create(name: str, source: str, *, tags: dict[str, str] | None = None) -> None:
        rds_client.create_db_instance_read_replica(DBInstanceIdentifier=name, SourceDBInstanceIdentifier=source,
                                                   Tags=tag_list(tags or {}))

    return create


@pytest.fixture
def create_cluster(rds_client: Any) -> CreateInstance:
    """Create an Aurora PostgreSQL cluster and its instances (the first one its writer):
    create_cluster(name, instances=[...], tags={...}, **settings)."""

    def create(name: str, *, instances: tuple[str, ...] = (), tags: dict[str, str] | None = None,
               **settings: Any) -> None:
        rds_client.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", EngineVersion="15.4",
                                     MasterUsername="admin", MasterUserPassword="password123",
                                     Tags=tag_list(tags or {}), **settings)
        for instance in instances:
            rds_client.create_db_instance(DBInstanceIdentifier=instance, DBClusterIdentifier=name,
                                          Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")

    return create


@pytest.fixture
def live_cluster(rds_client: Any) -> Live:
    """The cluster as moto describes it now, or None when no cluster has that name."""

    def describe(name: str) -> Any:
        return next((c for c in rds_client.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"] == name),
                    None)

    return describe


@pytest.fixture
def live(rds_client: Any) -> Live:
    """The instance as moto describes it now, or None when no instance has that name."""

    def describe(name: str) -> Any:
        return next((i for i in rds_client.describe_db_instances()["DBInstances"]
                     if i["DBInstanceIdentifier"] == name), None)

    return describe


@pytest.fixture
def world(create_instance: CreateInstance, create_replica: CreateInstance) -> None:
    """production -> production-replica, and the staging tree to refresh: staging -> staging-replica."""
    create_instance("production", retention=7, tags={"env": "production"})
    create_replica("production-replica", "production", tags={"env": "production"})
    create_instance("staging", retention=3, tags={"env": "staging", "team": "data"})
    create_replica("staging-replica", "staging", tags={"env": "staging", "role": "reporting"})


@pytest.fixture
def rds_requests() -> Iterator[Requests]:
    """watch(handler_module) -> the RDS requests (operation, parameters) its adapter makes from now on, in order
    (moto still answers)."""
    watched: list[tuple[Any, Callable[..., None]]] = []

    def watch(module: ModuleType) -> list[tuple[str, Json]]:
        requests: list[tuple[str, Json]] = []

        def record(params: Json, model: Any, **_: Any) -> None:
            requests.append((model.name, dict(params)))

        client = module.rds.client
        client.meta.events.register("provide-client-params.rds", record)
        watched.append((client, record))
        return requests

    yield watch
    for client, record in watched:
        client.meta.events.unregister("provide-client-params.rds", record)


@pytest.fixture
def rds_calls() -> Iterator[Calls]:
    """watch(handler_module) -> the names of the RDS operations its adapter calls from now on, in order (moto still
    answers)."""
    watched: list[tuple[Any, Callable[..., None]]] = []

    def watch(module: ModuleType) -> list[str]:
        calls: list[str] = []

        def record(model: Any, **_: Any) -> None:
            calls.append(model.name)

        client = module.rds.client
        client.meta.events.register("provide-client-params.rds", record)
        watched.append((client, record))
        return calls

    yield watch
    for client, record in watched:
        client.meta.events.unregister("provide-client-params.rds", record)


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stub]:
    """stub(handler_module, "rds" | "sfn" | "secrets" | "ecs" | "ssm") -> a Stubber scripting every call of that
    adapter of the handler (`ecs` and `ssm` are fields of the module's `adapters`, the others module attributes).

    Any call that is not scripted fails the handler, and a scripted response left unused fails the test."""
    stubbers: list[Stubber] = []

    def install(module: ModuleType, adapter: str) -> Stubber:
        service, adapter_type, in_hook_adapters = ADAPTERS[adapter]
        client = boto3.client(service, region_name=REGION)
        stubber = Stubber(client)
        stubber.activate()
        if in_hook_adapters:
            monkeypatch.setattr(module, "adapters",
                                dataclasses.replace(module.adapters, **{adapter: adapter_type(client)}))
        else:
            monkeypatch.setattr(module, adapter, adapter_type(client))
        stubbers.append(stubber)
        return stubber

    yield install
    for stubber in stubbers:
        stubber.deactivate()
        stubber.assert_no_pending_responses()


@pytest.fixture
def answer() -> Iterator[Answer]:
    """answer(handler_module, "rds", "describe_account_attributes", response): that operation of the module's
    adapter is answered with `response` (checked against the service model, as a Stubber does) while moto answers
    every other call: for operations moto does not implement."""
    registered: list[tuple[Any, str, Callable[..., Any]]] = []

    def install(module: ModuleType, adapter: str, operation: str, response: Json) -> None:
        client = getattr(module, adapter).client
        api_name = client.meta.method_to_api_mapping[operation]
        model = client.meta.service_model.operation_model(api_name)
        validate_parameters(response, model.output_shape)

        def respond(**_: Any) -> tuple[AWSResponse, Json]:
            return AWSResponse("", 200, {}, None), {**response, "ResponseMetadata": {"HTTPStatusCode": 200}}

        event = f"before-call.{client.meta.service_model.service_id.hyphenize()}.{api_name}"
        client.meta.events.register(event, respond)
        registered.append((client, event, respond))

    yield install
    for client, event, respond in registered:
        client.meta.events.unregister(event, respond)


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Logs:
    """lines() -> every log line the handlers wrote since the fixture was set up, parsed. Powertools writes JSON
    lines to stdout through a stream it bound when the runtime was imported: that stream is captured."""
    stream = io.StringIO()
    monkeypatch.setattr(runtime.logger.registered_handler, "stream", stream)

    def lines() -> list[Json]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    return lines


@pytest.fixture
def declare(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """declare(job, ...) -> the deployment's refresh jobs (Describe's REFRESH_JOBS), each a RefreshJob as JSON."""

    def set_jobs(*jobs: Json) -> None:
        monkeypatch.setenv("REFRESH_JOBS", json.dumps(list(jobs)))

    return set_jobs


# --- hooks ---------------------------------------------------------------------------------------------------

COMMAND_ID = "2d292760-c289-496f-943a-750e64bda76a"
SSM_TARGETS = [{"Key": "tag:app", "Values": ["demo"]}]


def hook_check(run: Json, retry_count: int = 0, first_check_s: int = 30, interval_s: int = 30) -> Json:
    """What the state machine passes a hook's check: the run, and how long it has waited (Step Functions counts
    the retries; by default this is the first check)."""
    return {"run": run, "retry_count": retry_count, "first_check_s": first_check_s, "interval_s": interval_s}


def deployment(deployment_id: str, status: str = "PRIMARY", running: int = 2, desired: int = 2, pending: int = 0,
               rollout: str | None = None) -> Json:
    """One of DescribeServices' deployments; `rollout` is its rolloutState (absent for a service behind a Classic
    Load Balancer, or not deployed by rolling update)."""
    entry: Json = {"id": deployment_id, "status": status, "runningCount": running, "desiredCount": desired,
                   "pendingCount": pending}
    if rollout is not None:
        entry["rolloutState"] = rollout
    return entry


def ecs_services(*services: tuple[str, list[Json]], missing: tuple[str, ...] = ()) -> Json:
    """A DescribeServices response: (service name, its deployments) pairs, and services it reports MISSING."""
    return {"services": [{"serviceName": name, "status": "ACTIVE", "deployments": deployments}
                         for name, deployments in services],
            "failures": [{"arn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/demo/{name}", "reason": "MISSING"}
                         for name in missing]}


def invocations(*statuses: str) -> Json:
    """A ListCommandInvocations response (moto does not implement it), one invocation per instance."""
    return {"CommandInvocations": [{"InstanceId": f"i-{n:017x}", "Status": s} for n, s in enumerate(statuses)]}


def ssm_progress(stubber: Stubber, statuses: tuple[str, ...], command_status: str | None = None) -> None:
    """Script how the command stands: its invocations' statuses and, when it has none, the command's own status
    (ListCommands) when it is asked."""
    stubber.add_response("list_command_invocations", invocations(*statuses), {"CommandId": COMMAND_ID})
    if command_status is not None:
        stubber.add_response("list_commands", {"Commands": [{"CommandId": COMMAND_ID, "Status": command_status}]},
                             {"CommandId": COMMAND_ID})
