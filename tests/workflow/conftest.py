"""Worlds for workflow tests: the shared example, and trees built to order."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from simulator.runner import Simulation

EXAMPLES = Path(__file__).resolve().parents[2] / "simulator" / "examples"


@pytest.fixture
def example_world() -> dict[str, Any]:
    return dict(json.loads((EXAMPLES / "world-example.json").read_text()))


@pytest.fixture
def example_input() -> dict[str, Any]:
    return dict(json.loads((EXAMPLES / "input-example.json").read_text()))


def tree_world(edges: dict[str, str], target: str = "staging", source: str = "production") -> dict[str, Any]:
    """A world with a production primary and a target tree given as {replica: parent}; every instance has
    its own port and maintenance window, so a check can tell whose settings a copy took."""
    instances: list[dict[str, Any]] = [
        {"DBInstanceIdentifier": source, "Engine": "mysql", "DBInstanceClass": "db.r6g.large",
         "AllocatedStorage": 100, "MasterUsername": "admin", "MasterUserPassword": "prod-secret",
         "BackupRetentionPeriod": 7, "Port": 3306, "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
         "Tags": [{"Key": "env", "Value": "production"}]},
        {"DBInstanceIdentifier": target, "Engine": "mysql", "DBInstanceClass": "db.t3.small",
         "AllocatedStorage": 100, "MasterUsername": "admin", "MasterUserPassword": "staging-secret",
         "BackupRetentionPeriod": 2, "Port": 4000, "PreferredMaintenanceWindow": "tue:01:00-tue:02:00",
         "Tags": [{"Key": "env", "Value": "staging"}]},
    ]
    for number, (name, parent) in enumerate(edges.items(), start=1):
        instances.append({"DBInstanceIdentifier": name, "SourceDBInstanceIdentifier": parent,
                          "DBInstanceClass": "db.t3.micro", "Port": 4000 + number,
                          "PreferredMaintenanceWindow": f"wed:0{number % 10}:00-wed:0{number % 10}:30",
                          "Tags": [{"Key": "replica", "Value": name}]})
    return {"region": "us-west-2", "rds": {"instances": instances}}


def simulate(world: dict[str, Any], execution_input: Any, **options: Any) -> dict[str, Any]:
    return Simulation(world=copy.deepcopy(world), execution_input=execution_input, **options).run()


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["DBInstanceIdentifier"]: i for i in report["instances"]}


READ_ONLY = ("Describe", "List", "Get")


def mutating_calls(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in report["calls"] if not c["operation"].startswith(READ_ONLY)]
