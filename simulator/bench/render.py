"""docs/benchmark.md: the goals, the tables and the assumptions."""

from __future__ import annotations

import datetime as dt
import os
import platform

from infrastructure.settings import Polling
from simulator.bench.original import ORIGINAL_POLL_S
from simulator.bench.run import (
    LAMBDA_DURATION_S,
    LAMBDA_MEMORY_GB,
    LAMBDA_USD_PER_GB_S,
    LAMBDA_USD_PER_REQUEST,
    SFN_USD_PER_TRANSITION,
    Result,
)
from simulator.latency import Latency

COMMAND = "make bench  # .venv/bin/python -m simulator.bench"
HISTORY_LIMIT = 25_000  # events per Step Functions execution


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
        f"{3 * polling.max_attempts:,}.",
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
