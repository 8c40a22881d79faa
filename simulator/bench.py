"""`make bench`: how long a refresh takes, how long each name is down, and what it costs, on the simulator.

Every case runs the synthesized state machine with the real handlers against the simulated AWS, with the
default latency model (simulator.latency.Latency), and is compared with two references computed from the
same latency model:

- the critical-path bound: the chain of operations that depend on each other in the executed plan, which no
  order of operations can beat (the same bound as check_report.py's `critical_path`);
- the original tool's order (/work/shared/ORIGINAL.md sections 3 and 5), modelled analytically by
  `original_timing`: the original cannot run on the simulator, and its order is simple enough to add up.

The table goes to stdout and to docs/benchmark.md. Virtual times are exact and repeat on any machine; only
the "real s" column depends on the machine.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import platform
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mitosis.models import Plan

from infrastructure.settings import Polling, cdk_json_context
from simulator.latency import Latency
from simulator.runner import Simulation

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = PROJECT_ROOT / "simulator" / "examples"
OUTPUT = PROJECT_ROOT / "docs" / "benchmark.md"
COMMAND = "make bench  # .venv/bin/python -m simulator.bench"
TREE_SIZES = (1, 2, 4, 8)

# AWS list prices (us-east-1, no free tier), and what a Lambda invocation of ours is assumed to use.
SFN_USD_PER_TRANSITION = 0.025 / 1000  # Step Functions Standard
LAMBDA_USD_PER_REQUEST = 0.20 / 1_000_000
LAMBDA_USD_PER_GB_S = 0.0000166667
LAMBDA_MEMORY_GB = 256 / 1024  # infrastructure/functions.py: memory_size=256
LAMBDA_DURATION_S = 0.2  # assumed: one or two RDS API calls per invocation
HISTORY_LIMIT = 25_000  # events per Step Functions execution
ORIGINAL_POLL_S = 60  # the original sleeps 60 s, then checks every 60 s (ORIGINAL.md 5.3)


# --- the cases -----------------------------------------------------------------------------------------------


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


# --- the references: critical path and the original's order --------------------------------------------------


@dataclass(frozen=True)
class Build:
    """One instance of the copy: its parent in the tree (None for the root) and whether the plan turns its
    backups on (a promote with BackupRetentionPeriod > 0, or a replica's enable-backups modify)."""

    name: str
    parent: str | None
    backups: bool


def builds_of(plan: Plan) -> list[Build]:
    """The copy's tree, root first, as the executed plan builds it."""
    if plan.root is None:
        raise ValueError("the plan resumes a refresh: the benchmark needs one that builds the whole copy")
    names = {plan.root.create.request["DBInstanceIdentifier"]: plan.target}
    root = Build(plan.target, None, int(plan.root.promote.request.get("BackupRetentionPeriod", 1)) > 0)
    replicas = []
    for level in plan.levels:
        for build in level.replicas:
            names[build.create.request["DBInstanceIdentifier"]] = build.name
            parent = names[build.create.request["SourceDBInstanceIdentifier"]]
            # a replica's backups are turned on by its configure (a replica's own retention starts at 0)
            backups = build.configure is not None and int(build.configure.request.get("BackupRetentionPeriod", 0)) > 0
            replicas.append(Build(build.name, parent, backups))
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


def _original_wait(seconds: float) -> float:
    """How long the original waits for an operation of `seconds`: 60 s, then until a 60 s poll sees it done."""
    return ORIGINAL_POLL_S * max(1, math.ceil(seconds / ORIGINAL_POLL_S))


def original_timing(builds: list[Build], restart: Mapping[str, Any] | None, latency: Latency) -> tuple[float, float]:
    """(refresh time, primary-name downtime) of the original tool's order on the same latency model.

    Assumptions (ORIGINAL.md 3.3, 4.3, 5.1, 5.3), with the simulated RDS's rules for how long each call keeps an
    instance busy:
    - one operation at a time, in plan order (siblings too), each followed by a 60 s sleep and 60 s polls;
    - the root: create, then PromoteReadReplica without parameters (AWS's default retention 1 turns backups
      on: promote + enable_backups), then a modify carrying the parameter group (`modifying`: modify);
    - every replica: create, then a modify carrying its parameter group (modify), plus enable_backups when it
      has replicas (BackupRetentionPeriod=1);
    - every name renamed to old- (leaves first, root last), then every temp- name renamed in (root last);
    - the restart script lasts as long as our restart; the deletes are fired without waiting (0 s), so the
      original's time ends when the last delete is sent, before the old tree is gone (ours waits for it).
    The primary name is missing from its rename to old- until temp-<target>'s rename ends.
    """
    parents = {build.parent for build in builds}
    root = _original_wait(latency.create_read_replica) + _original_wait(latency.promote + latency.enable_backups)
    root += _original_wait(latency.modify)
    replicas = sum(_original_wait(latency.create_read_replica)
                   + _original_wait(latency.modify + (latency.enable_backups if build.name in parents else 0.0))
                   for build in builds[1:])
    renames = 2 * len(builds) * _original_wait(latency.rename)
    total = root + replicas + renames + restart_s(restart, latency)
    # The root's retire is the last of the old- renames; then all temp- renames, the root's last.
    primary_downtime = len(builds) * _original_wait(latency.rename) + latency.rename
    return total, primary_downtime


def cost_usd(transitions: int, invocations: int) -> float:
    per_invocation = LAMBDA_USD_PER_REQUEST + LAMBDA_MEMORY_GB * LAMBDA_DURATION_S * LAMBDA_USD_PER_GB_S
    return transitions * SFN_USD_PER_TRANSITION + invocations * per_invocation


# --- running ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    case: str
    instances: int
    duration_s: float
    bound_s: float
    worst_downtime_s: float
    primary_downtime_s: float
    downtime_bound_s: float
    original_s: float
    original_downtime_s: float
    invocations: int
    transitions: int
    history_events: int
    real_s: float

    @property
    def ratio(self) -> float:
        return self.duration_s / self.bound_s

    @property
    def speedup(self) -> float:
        return self.original_s / self.duration_s

    @property
    def downtime_ratio(self) -> float:
        return self.primary_downtime_s / self.original_downtime_s

    @property
    def cost(self) -> float:
        return cost_usd(self.transitions, self.invocations)


def run_case(case: Case, latency: Latency, polling: Polling) -> Result:
    started = time.perf_counter()
    report = Simulation(world=copy.deepcopy(case.world), execution_input=copy.deepcopy(case.execution_input)).run()
    real = time.perf_counter() - started
    attempt = report["attempts"][-1]
    if report["status"] != "SUCCEEDED":
        raise RuntimeError(f"{case.name}: {report['status']}: {attempt.get('error')} {attempt.get('cause')}")
    # The plan the Plan Lambda makes for this world (the refresh's output no longer carries it): a dry run's.
    dry_run = Simulation(world=copy.deepcopy(case.world),
                         execution_input={**copy.deepcopy(case.execution_input), "dry_run": True}).run()
    plan = Plan.model_validate(dry_run["attempts"][-1]["output"])
    builds = builds_of(plan)
    restart = case.execution_input.get("restart")
    original_s, original_downtime_s = original_timing(builds, restart, latency)
    downtime = report["downtime_s"]
    return Result(
        case=case.name, instances=len(builds), duration_s=report["duration_s"],
        bound_s=critical_path_s(builds, restart, latency),
        worst_downtime_s=max(downtime.values()), primary_downtime_s=downtime[plan.target],
        downtime_bound_s=2 * latency.rename + polling.interval_s,
        original_s=original_s, original_downtime_s=original_downtime_s,
        invocations=attempt["lambda_invocations"], transitions=attempt["state_transitions"],
        history_events=attempt["history_events"], real_s=real,
    )


# --- the goals and the table --------------------------------------------------------------------------------


def goals(results: list[Result], latency: Latency, polling: Polling) -> list[tuple[str, bool, str]]:
    """(goal, holds, the figures) for each goal of the benchmark."""
    out = []
    worst_ratio = max(results, key=lambda r: r.ratio)
    out.append(("every refresh time <= 1.05 x its critical-path bound", worst_ratio.ratio <= 1.05,
                f"worst {worst_ratio.ratio:.3f} ({worst_ratio.case})"))
    worst_down = max(results, key=lambda r: r.worst_downtime_s)
    out.append((f"every name down <= 2 renames + one polling interval ({worst_down.downtime_bound_s:.0f} s)",
                worst_down.worst_downtime_s <= worst_down.downtime_bound_s,
                f"worst {worst_down.worst_downtime_s:.0f} s ({worst_down.case})"))
    for result in (r for r in results if r.instances == 4):
        out.append((f"{result.case}: >= 1.5x faster than the original's order", result.speedup >= 1.5,
                    f"{result.speedup:.2f}x ({result.original_s:.0f} s -> {result.duration_s:.0f} s)"))
        out.append((f"{result.case}: primary-name downtime <= half the original's", result.downtime_ratio <= 0.5,
                    f"{result.downtime_ratio:.2f} ({result.original_downtime_s:.0f} s -> "
                    f"{result.primary_downtime_s:.0f} s)"))
    return out


def timing_table(results: list[Result]) -> list[str]:
    lines = ["| case | instances | refresh s | bound s | ratio | worst down s | down bound s "
             "| original s | original primary down s | speed-up | primary down ratio |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        lines.append(f"| {r.case} | {r.instances} | {r.duration_s:.0f} | {r.bound_s:.0f} | {r.ratio:.3f} "
                     f"| {r.worst_downtime_s:.0f} | {r.downtime_bound_s:.0f} | {r.original_s:.0f} "
                     f"| {r.original_downtime_s:.0f} | {r.speedup:.2f}x | {r.downtime_ratio:.2f} |")
    return lines


def usage_table(results: list[Result]) -> list[str]:
    lines = ["| case | Lambda invocations | state transitions | cost per refresh (USD) | history events "
             "| of 25,000 | real s |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        lines.append(f"| {r.case} | {r.invocations} | {r.transitions} | {r.cost:.5f} | {r.history_events} "
                     f"| {r.history_events / HISTORY_LIMIT:.1%} | {r.real_s:.1f} |")
    return lines


def render(results: list[Result], latency: Latency, polling: Polling, total_real_s: float) -> str:
    checks = goals(results, latency, polling)
    lines = [
        "# Benchmark: the refresh on the simulator",
        "",
        f"Generated {dt.date.today().isoformat()} by `{COMMAND}` on {platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs ({total_real_s:.0f} real seconds in all).",
        "Times are virtual seconds of the default latency model; they repeat exactly on any machine. "
        "Only `real s` (wall-clock seconds of one simulation, synthesis included when not cached) depends on it.",
        "",
        "Trees: `staging` and its replicas, refreshed from `production`, restarting one ECS service; a chain is "
        "staging -> staging-1 -> staging-2 ..., a fan-out has every replica under staging. The example world is "
        "simulator/examples/world-example.json with input-example.json.",
        "",
        "## Time and downtime",
        "",
        *timing_table(results),
        "",
        "- **bound**: the critical path of the executed plan: clone + promote (+ enable_backups) + the slowest "
        "branch (each replica: create_read_replica, + enable_backups when the plan turns its backups on) "
        "+ 2 renames + restart + delete. **ratio** = refresh / bound.",
        f"- **worst down**: the longest time any name of the tree was held by no available instance; its bound is "
        f"2 renames ({2 * latency.rename:.0f} s) + one polling interval ({polling.interval_s} s) of slack.",
        "- **original**: the original tool's order on the same latency model (see assumptions); **speed-up** = "
        "original / refresh, **primary down ratio** = our primary name's downtime / the original's.",
        "",
        "## Invocations, cost and limits",
        "",
        *usage_table(results),
        "",
        "## Goals",
        "",
        *[f"- [{'x' if holds else ' '}] {goal}: {figures}" for goal, holds, figures in checks],
        "",
        "## Assumptions",
        "",
        "- Latency model (virtual s): " + ", ".join(f"{k} {v:g}" for k, v in vars(latency).items()) + ".",
        f"- Polling (cdk.json): first check per operation {polling.first_check_s}, then every "
        f"{polling.interval_s} s.",
        f"- Prices (AWS list, no free tier): Step Functions Standard ${SFN_USD_PER_TRANSITION * 1000:.3f} per "
        f"1,000 state transitions; Lambda ${LAMBDA_USD_PER_REQUEST * 1e6:.2f} per 1M requests + "
        f"${LAMBDA_USD_PER_GB_S} per GB-second at {LAMBDA_MEMORY_GB * 1024:.0f} MB, assuming "
        f"{LAMBDA_DURATION_S * 1000:.0f} ms per invocation. RDS instance hours are not counted.",
        "- State transitions: every state entered, plus every retry of a task (each NotReady poll is one "
        "Lambda invocation and one transition), as Standard workflows bill them.",
        f"- History: {HISTORY_LIMIT:,} events is Step Functions' limit per execution; each poll adds 3 events "
        f"(scheduled, started, failed), so a wait that ran to the {polling.timeout_s} s timeout would add "
        f"{3 * polling.max_attempts():,}.",
        "- The original's order (ORIGINAL.md 3.3, 4.3, 5.3), modelled, not run: one operation at a time in plan "
        f"order, each waited for by a {ORIGINAL_POLL_S} s sleep then {ORIGINAL_POLL_S} s polls; the root is "
        "created, promoted without parameters (AWS's default retention turns backups on: promote + "
        "enable_backups) and modified with its parameter group (modify); each replica is created and modified "
        "with its parameter group (modify, + enable_backups when it has replicas); every name is renamed to "
        "old- (leaves first) before any temp- name is renamed in (root last); the restart script lasts as long "
        "as ours; deletes are sent without waiting, so its time stops before the old tree is gone (ours includes "
        "the deletes: the comparison favours the original). Its primary name is missing from the root's rename "
        "to old- until temp-<target>'s rename ends: (instances x one rename wait) + one rename.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    latency = Latency()
    polling = Polling.model_validate(cdk_json_context().get("polling", {}))
    started = time.perf_counter()
    results = []
    for case in cases():
        results.append(run_case(case, latency, polling))
        print(f"{case.name}: {results[-1].duration_s:.0f} virtual s in {results[-1].real_s:.1f} real s", flush=True)
    markdown = render(results, latency, polling, time.perf_counter() - started)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(markdown)
    print(markdown)
    print(f"written to {OUTPUT.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
