"""The benchmark's cases: `staging` trees of each size as a chain (or a binary tree) and as a fan-out, the example
world, a MySQL tree as a real account has it, the same tree restored instead of replicated (each clone method of the
planner's `choose_clone`), and an Aurora cluster refreshed by a copy-on-write clone."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TREE_SIZES = (1, 2, 4, 8)
# RDS for MySQL allows at most 3 read replicas in a chain below a source (simulator/rds/engines.py,
# max_chain_depth): a deeper tree is a binary tree instead of a chain.
CHAIN_LIMIT = 3


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


def binary_tree(size: int) -> dict[str, str]:
    """Every instance with up to two replicas, breadth first: 8 instances stand 3 replicas deep."""
    names = ["staging"] + [f"staging-{i}" for i in range(1, size)]
    return {names[i]: names[(i - 1) // 2] for i in range(1, size)}


def example(name: str) -> dict[str, Any]:
    return dict(json.loads((EXAMPLES / name).read_text()))


def cases() -> list[Case]:
    """Each size as a chain (a binary tree where a chain would be too long for RDS) and as a fan-out (sizes 1 and
    2 have one shape only, so one case), the example world and the MySQL tree."""
    found: list[Case] = []
    for size in TREE_SIZES:
        deep = ("chain", chain(size)) if size - 1 <= CHAIN_LIMIT else ("binary tree", binary_tree(size))
        shapes = dict([deep, ("fan-out", fan_out(size))])
        if deep[1] == shapes["fan-out"]:
            shapes = {"single" if size == 1 else "chain = fan-out": deep[1]}
        found += [Case(f"{size} ({shape})", tree_world(edges), TREE_INPUT) for shape, edges in shapes.items()]
    found.append(Case("example world", example("world-example.json"), example("input-example.json")))
    # a customer-managed key per instance, enhanced monitoring, option groups, log exports, gp3 volumes, subnet
    # groups of its own, and a replica whose parameter group differs from its parent's (configured, then rebooted)
    found.append(Case("MySQL tree (real account)", example("world-mysql-tree.json"), example("input-orders.json")))
    # The same tree with the target in a VPC of its own: no replica of production can land in its subnet group, and
    # the target has a key of its own, which only a snapshot copied with it keeps, so `auto` restores production's
    # newest automated snapshot, copied first with the target's key; asked for a point-in-time restore, the planner
    # restores production to its latest restorable time (the copy keeps production's key).
    other_vpc = example("world-other-vpc.json")
    found.append(Case("other VPC: point_in_time restore", other_vpc,
                      {"source": "orders", "target": "orders-staging", "clone": {"method": "point_in_time"}}))
    found.append(Case("other VPC: auto, snapshot restore (copied)", other_vpc, example("input-orders.json")))
    # production in another account: a snapshot it shares, encrypted, so copied with the target's key, then restored
    found.append(Case("shared snapshot: copied, restored", example("world-shared-snapshot.json"),
                      example("input-shared-snapshot.json")))
    # an Aurora PostgreSQL cluster of three instances cloned copy-on-write into a staging cluster of two (a
    # Serverless v2 writer and a reader): the clone, the writer's copy, then the reader's
    found.append(Case("Aurora: 2-instance cluster (clone)", example("world-aurora.json"), example("input-aurora.json")))
    return found
