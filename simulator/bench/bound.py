"""The critical-path bound of the executed plan: the chain of operations that depend on each other, which no order
of operations can beat."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mitosis.models import Plan

from simulator.latency import Latency


@dataclass(frozen=True)
class Build:
    """One instance of the copy: its parent in the tree (None for the root) and whether the plan turns its
    backups on (a promote with BackupRetentionPeriod > 0, or a replica's enable-backups modify)."""

    name: str
    parent: str | None
    backups: bool


def builds_of(plan: Plan) -> list[Build]:
    """The copy's tree, root first, as the executed plan builds it."""
    if plan.clone is None or plan.promote is None:
        raise ValueError("the plan resumes a refresh: the benchmark needs one that builds the whole copy")
    names = {plan.clone["DBInstanceIdentifier"]: plan.target}
    root = Build(plan.target, None, int(plan.promote.get("BackupRetentionPeriod", 1)) > 0)
    replicas = []
    for level in plan.levels:
        for build in level.replicas:
            names[build.create["DBInstanceIdentifier"]] = build.name
            parent = names[build.create["SourceDBInstanceIdentifier"]]
            replicas.append(Build(build.name, parent, build.enable_backups is not None))
    return [root, *replicas]


def restart_s(restart: Mapping[str, Any] | None, latency: Latency) -> float:
    kind = (restart or {}).get("type")
    return {"ecs": latency.ecs_deployment, "ssm": latency.ssm_command}.get(str(kind), 0.0)


def critical_path_s(builds: list[Build], restart: Mapping[str, Any] | None, latency: Latency) -> float:
    """The refresh's lower bound: clone, promote (and its backups), the slowest branch of replicas (each waits
    for its parent, then its own backups), two renames, the restart and the deletes."""
    ready = {builds[0].name: latency.create_read_replica + latency.promote
             + (latency.enable_backups if builds[0].backups else 0.0)}
    for build in builds[1:]:  # root first, then level by level: a parent is always known before its children
        own = latency.create_read_replica + (latency.enable_backups if build.backups else 0.0)
        ready[build.name] = ready[str(build.parent)] + own
    return max(ready.values()) + 2 * latency.rename + restart_s(restart, latency) + latency.delete
