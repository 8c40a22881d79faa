"""The benchmark's cases: `staging` trees of each size as a chain and as a fan-out, and the example world."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TREE_SIZES = (1, 2, 4, 8)


@dataclass(frozen=True)
class Case:
    name: str
    world: dict[str, Any]
    execution_input: dict[str, Any]


def tree_world(edges: Mapping[str, str]) -> dict[str, Any]:
    """Production and a `staging` tree given as {replica: parent}, with an ECS service to restart (the same
    shape as tests/workflow/conftest.py's tree_world)."""
    instances: list[dict[str, Any]] = [
        {"DBInstanceIdentifier": "production", "Engine": "mysql", "DBInstanceClass": "db.r6g.large",
         "AllocatedStorage": 100, "MasterUsername": "admin", "MasterUserPassword": "prod-secret",
         "BackupRetentionPeriod": 7},
        {"DBInstanceIdentifier": "staging", "Engine": "mysql", "DBInstanceClass": "db.t3.small",
         "AllocatedStorage": 100, "MasterUsername": "admin", "MasterUserPassword": "staging-secret",
         "BackupRetentionPeriod": 2},
    ]
    instances += [{"DBInstanceIdentifier": name, "SourceDBInstanceIdentifier": parent,
                   "DBInstanceClass": "db.t3.micro"} for name, parent in edges.items()]
    return {"region": "us-west-2", "rds": {"instances": instances},
            "ecs": {"clusters": [{"name": "staging", "services": [{"name": "app", "desiredCount": 2}]}]}}


TREE_INPUT = {"source": "production", "target": "staging",
              "restart": {"type": "ecs", "cluster": "staging", "services": ["app"]}}


def chain(size: int) -> dict[str, str]:
    names = ["staging"] + [f"staging-{i}" for i in range(1, size)]
    return {child: parent for parent, child in zip(names, names[1:], strict=False)}


def fan_out(size: int) -> dict[str, str]:
    return {f"staging-{i}": "staging" for i in range(1, size)}


def cases() -> list[Case]:
    """Each size as a chain and as a fan-out; sizes 1 and 2 have one shape only, so one case."""
    found: list[Case] = []
    for size in TREE_SIZES:
        shapes = {"chain": chain(size), "fan-out": fan_out(size)}
        if shapes["chain"] == shapes["fan-out"]:
            shapes = {"single" if size == 1 else "chain = fan-out": shapes["chain"]}
        found += [Case(f"{size} ({shape})", tree_world(edges), TREE_INPUT) for shape, edges in shapes.items()]
    example = json.loads((EXAMPLES / "world-example.json").read_text())
    found.append(Case("example world", example, json.loads((EXAMPLES / "input-example.json").read_text())))
    return found
