"""Fixtures of the handler tests: a fresh moto account per test, a Lambda context, a small RDS world, and two ways
to look behind a handler: record the RDS calls it makes, or script an adapter's AWS responses with a Stubber."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from mitosis.adapters.ecs import Ecs
from mitosis.adapters.rds import Rds
from mitosis.adapters.sfn import StepFunctions
from mitosis.adapters.ssm import Ssm
from moto import mock_aws

REGION = "us-west-2"
# A handler module's adapter attribute -> the boto3 service it talks to, and the adapter's class.
ADAPTERS: dict[str, tuple[str, type]] = {"rds": ("rds", Rds), "ecs": ("ecs", Ecs), "ssm": ("ssm", Ssm),
                                         "sfn": ("stepfunctions", StepFunctions)}


@dataclass(frozen=True)
class FakeLambdaContext:
    """What Powertools' inject_lambda_context reads from the real context."""

    function_name: str = "mitosis-test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:123456789012:function:mitosis-test"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials in us-west-2 and a moto account of this test's own (the adapters' cached clients are
    intercepted by whichever mock is active)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
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
def create_instance(rds_client: Any) -> Callable[..., None]:
    """Create a primary MySQL instance: create_instance(name, retention=1, tags={"env": "x"})."""

    def create(name: str, *, retention: int = 1, tags: dict[str, str] | None = None) -> None:
        rds_client.create_db_instance(
            DBInstanceIdentifier=name, Engine="mysql", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
            MasterUsername="admin", MasterUserPassword="password123", BackupRetentionPeriod=retention,
            Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])

    return create


@pytest.fixture
def create_replica(rds_client: Any) -> Callable[..., None]:
    """Create a same-region read replica: create_replica(name, source, tags={...})."""

    def create(name: str, source: str, *, tags: dict[str, str] | None = None) -> None:
        rds_client.create_db_instance_read_replica(
            DBInstanceIdentifier=name, SourceDBInstanceIdentifier=source,
            Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])

    return create


@pytest.fixture
def live(rds_client: Any) -> Callable[[str], dict[str, Any] | None]:
    """The instance as moto describes it now, or None when no instance has that name."""

    def describe(name: str) -> dict[str, Any] | None:
        return next((i for i in rds_client.describe_db_instances()["DBInstances"]
                     if i["DBInstanceIdentifier"] == name), None)

    return describe


@pytest.fixture
def world(create_instance: Callable[..., None], create_replica: Callable[..., None]) -> None:
    """production -> production-replica, and the staging tree to refresh: staging -> staging-replica."""
    create_instance("production", retention=7, tags={"env": "production"})
    create_replica("production-replica", "production", tags={"env": "production"})
    create_instance("staging", retention=3, tags={"env": "staging", "team": "data"})
    create_replica("staging-replica", "staging", tags={"env": "staging", "role": "reporting"})


@pytest.fixture
def rds_calls() -> Iterator[Callable[[ModuleType], list[str]]]:
    """watch(handler_module) -> the list of RDS operations its adapter calls from now on (moto still answers)."""
    watched: list[tuple[Any, Callable[..., None]]] = []

    def watch(module: ModuleType) -> list[str]:
        calls: list[str] = []

        def record(model: Any, **_: Any) -> None:
            calls.append(model.name)

        client = module.rds.client
        client.meta.events.register("before-call.rds", record)
        watched.append((client, record))
        return calls

    yield watch
    for client, record in watched:
        client.meta.events.unregister("before-call.rds", record)


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[ModuleType, str], Stubber]]:
    """stub(handler_module, "rds" | "ecs" | "ssm" | "sfn") -> a Stubber scripting every call of that adapter of the
    handler (the name is the module's adapter attribute).

    Any call that is not scripted fails the handler, and a scripted response left unused fails the test."""
    stubbers: list[Stubber] = []

    def install(module: ModuleType, adapter: str) -> Stubber:
        service, adapter_type = ADAPTERS[adapter]
        client = boto3.client(service, region_name=REGION)
        stubber = Stubber(client)
        stubber.activate()
        monkeypatch.setattr(module, adapter, adapter_type(client))
        stubbers.append(stubber)
        return stubber

    yield install
    for stubber in stubbers:
        stubber.deactivate()
        stubber.assert_no_pending_responses()
