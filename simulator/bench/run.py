"""Running a case: the refresh on the simulator, the plan it executed, the references computed for that plan, and
what the refresh cost."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from mitosis.models import Plan

from simulator.bench.bound import NAMED_BY, builds, created_id, critical_path_s, downtime_bound_s, restart_s, tree_of
from simulator.bench.cases import Case
from simulator.bench.original import original_timing
from simulator.latency import Latency
from simulator.runner import Simulation

# AWS list prices (us-east-1, no free tier), and what a Lambda invocation of ours is assumed to use.
SFN_USD_PER_TRANSITION = 0.025 / 1000  # Step Functions Standard
LAMBDA_USD_PER_REQUEST = 0.20 / 1_000_000
LAMBDA_USD_PER_GB_S = 0.0000166667
LAMBDA_MEMORY_GB = 256 / 1024  # infrastructure/functions.py: memory_size=256
LAMBDA_DURATION_S = 0.2  # assumed: one or two RDS API calls per invocation


def cost_usd(transitions: int, invocations: int) -> float:
    per_invocation = LAMBDA_USD_PER_REQUEST + LAMBDA_MEMORY_GB * LAMBDA_DURATION_S * LAMBDA_USD_PER_GB_S
    return transitions * SFN_USD_PER_TRANSITION + invocations * per_invocation


@dataclass(frozen=True)
class Result:
    case: str
    instances: int
    duration_s: float
    bound_s: float
    worst_downtime_s: float
    primary_downtime_s: float
    downtime_bound_s: float
    original_s: float | None  # None: the original has no equivalent (production in another account)
    original_downtime_s: float | None
    invocations: int
    transitions: int
    history_events: int
    real_s: float

    @property
    def ratio(self) -> float:
        return self.duration_s / self.bound_s

    @property
    def speedup(self) -> float | None:
        return None if self.original_s is None else self.original_s / self.duration_s

    @property
    def downtime_ratio(self) -> float | None:
        return None if self.original_downtime_s is None else self.primary_downtime_s / self.original_downtime_s

    @property
    def cost(self) -> float:
        return cost_usd(self.transitions, self.invocations)


def simulate(case: Case, **changes: Any) -> dict[str, Any]:
    execution_input = {**copy.deepcopy(case.execution_input), **changes}
    report = Simulation(world=copy.deepcopy(case.world), execution_input=execution_input).run()
    attempt = report["attempts"][-1]
    if report["status"] != "SUCCEEDED":
        raise RuntimeError(f"{case.name}: {report['status']}: {attempt.get('error')} {attempt.get('cause')}")
    return report


def executed_plan(case: Case, report: dict[str, Any]) -> Plan:
    """The plan the refresh executed: a dry run's, as the Plan Lambda makes it from the same world and input
    (the refresh's output does not carry it). Checked against the refresh: the same copies were created, by the
    same calls (a replica or a restore), and the same snapshot copy, which the bound counts too."""
    plan = Plan.model_validate(simulate(case, dry_run=True)["attempts"][-1]["output"])
    calls = [(build.create.op, build.create.request) for build in builds(plan)]
    calls += [("CopyDBSnapshot", plan.snapshot_copy.request)] if plan.snapshot_copy else []
    planned = sorted((op, created_id(op, request)) for op, request in calls)
    created = sorted((call["operation"], created_id(call["operation"], call["params"])) for call in report["calls"]
                     if call["operation"] in NAMED_BY)
    if planned != created:
        raise RuntimeError(f"{case.name}: the dry run plans {planned}, the refresh created {created}")
    return plan


def original(case: Case, plan: Plan, latency: Latency) -> tuple[float | None, float | None]:
    """The original's (refresh time, primary-name downtime) for the copy the plan makes: a replica, or for a
    restored copy the original's only restore (production's latest snapshot, as it does for a target in another
    VPC). None, None when production is not in the world's account (a snapshot another account shares): the
    original reads production's instance, and has no equivalent."""
    if plan.source not in {i["DBInstanceIdentifier"] for i in case.world["rds"]["instances"]}:
        return None, None
    tree = tree_of(plan)
    assert plan.root is not None  # tree_of has checked it
    # a restored root's configure carries the target's enhanced monitoring, which a restore cannot set
    configure = plan.root.configure.request if plan.root.configure else {}
    return original_timing(tree, restart_s(plan.restart, latency), latency,
                           restored=plan.clone_method != "replica",
                           monitoring=bool(configure.get("MonitoringInterval")))


def instance_count(plan: Plan) -> int:
    """The instances the refresh replaces (an Aurora cluster's copy is no instance)."""
    return sum(1 for build in builds(plan) if build.create.op != "RestoreDBClusterToPointInTime")


def run_case(case: Case, latency: Latency) -> Result:
    started = time.perf_counter()
    report = simulate(case)
    real = time.perf_counter() - started
    plan = executed_plan(case, report)
    original_s, original_downtime_s = original(case, plan, latency)
    attempt, downtime = report["attempts"][-1], report["downtime_s"]
    return Result(
        case=case.name, instances=instance_count(plan), duration_s=report["duration_s"],
        bound_s=critical_path_s(plan, latency),
        worst_downtime_s=max(downtime.values()), primary_downtime_s=downtime[plan.target],
        downtime_bound_s=downtime_bound_s(plan, latency),
        original_s=original_s, original_downtime_s=original_downtime_s,
        invocations=attempt["lambda_invocations"], transitions=attempt["state_transitions"],
        history_events=attempt["history_events"], real_s=real,
    )
