"""Fixtures for the simulated AWS world: a manual clock and a small world (prod and demo trees, hosts, a service)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from simulator.aws import SimulatedAWS

REGION = "us-west-2"
# One boto3 session for every test: a fresh one parses the service models again (a tenth of a second each).
SESSION = boto3.session.Session()

WORLD: dict[str, Any] = {
    "region": REGION,
    "rds": {
        "instances": [
            {
                "DBInstanceIdentifier": "prod",
                "Engine": "mysql",
                "EngineVersion": "8.0.35",
                "DBInstanceClass": "db.t3.medium",
                "AllocatedStorage": 20,
                "MasterUsername": "admin",
                "MasterUserPassword": "prod-secret",
                "BackupRetentionPeriod": 7,
                "VpcSecurityGroupIds": ["sg-prod"],
                "Tags": [{"Key": "env", "Value": "prod"}],
            },
            {"DBInstanceIdentifier": "prod-replica", "SourceDBInstanceIdentifier": "prod"},
            {
                "DBInstanceIdentifier": "demo",
                "Engine": "mysql",
                "EngineVersion": "8.0.35",
                "DBInstanceClass": "db.t3.small",
                "AllocatedStorage": 20,
                "MasterUsername": "admin",
                "MasterUserPassword": "demo-secret",
                "BackupRetentionPeriod": 3,
                "VpcSecurityGroupIds": ["sg-demo"],
                "Tags": [{"Key": "env", "Value": "demo"}],
            },
            {
                "DBInstanceIdentifier": "demo-replica",
                "SourceDBInstanceIdentifier": "demo",
                "DBInstanceClass": "db.t3.micro",
                "Tags": [{"Key": "env", "Value": "demo"}],
            },
            {
                "DBInstanceIdentifier": "nobackups",
                "Engine": "mysql",
                "DBInstanceClass": "db.t3.micro",
                "AllocatedStorage": 20,
                "MasterUsername": "admin",
                "MasterUserPassword": "x",
                "BackupRetentionPeriod": 0,
            },
        ],
    },
    "ecs": {"clusters": [{"name": "demo", "services": [{"name": "web", "desiredCount": 2}]}]},
    "ec2": {
        "instances": [
            {"Tags": [{"Key": "app", "Value": "demo"}]},
            {"Tags": [{"Key": "app", "Value": "demo"}]},
            {"Tags": [{"Key": "app", "Value": "other"}]},
        ]
    },
}


class ManualClock:
    """Virtual time that only moves when a test sets `t`."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t


@pytest.fixture
def world() -> dict[str, Any]:
    """A copy of the base world to vary."""
    return copy.deepcopy(WORLD)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def make_sim(clock: ManualClock) -> Iterator[Callable[..., SimulatedAWS]]:
    """Start a SimulatedAWS (the base world unless another is given); stopped after the test."""
    started: list[SimulatedAWS] = []

    def make(world: dict[str, Any] | None = None, **options: Any) -> SimulatedAWS:
        sim = SimulatedAWS(copy.deepcopy(world or WORLD), clock=clock, **options).start()
        started.append(sim)
        return sim

    yield make
    for sim in reversed(started):
        sim.stop()


@pytest.fixture
def sim(make_sim: Callable[..., SimulatedAWS]) -> SimulatedAWS:
    return make_sim()


@pytest.fixture
def aws() -> Callable[[str], Any]:
    """A client factory for the worlds' region."""
    return lambda service: SESSION.client(service, region_name=REGION)


@pytest.fixture
def rds(sim: SimulatedAWS, aws: Callable[[str], Any]) -> Any:
    """An RDS client on the base world."""
    return aws("rds")
