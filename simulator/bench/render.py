"""docs/benchmark.md: the goals, the tables and the assumptions."""

from __future__ import annotations

import datetime as dt
import os
import platform

from infrastructure.settings import Polling
from simulator.bench.original import POLL_S
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


# The benchmark's goals: how close to its bound a refresh must be, and how much better than the original's order a
# 4-instance tree must do.
RATIO_GOAL = 1.05
SPEEDUP_GOAL = 1.5
DOWNTIME_RATIO_GOAL = 0.5


def goals(results: list[Result], polling: Polling) -> list[tuple[str, bool, str]]:
    """(goal, holds, the figures) for each goal of the benchmark, computed from the results."""
    out = []
    worst_ratio = max(results, key=lambda r: r.ratio)
    out.append((f"every refresh time <= {RATIO_GOAL} x its critical-path bound", worst_ratio.ratio <= RATIO_GOAL,
                f"worst {worst_ratio.ratio:.3f} ({worst_ratio.case})"))
    worst_down = max(results, key=lambda r: r.worst_downtime_s - r.downtime_bound_s)
    out.append((f"every name down <= its bound + one polling interval ({polling.interval_s} s)",
                worst_down.worst_downtime_s <= worst_down.downtime_bound_s + polling.interval_s,
                f"worst {worst_down.worst_downtime_s:.0f} s for a bound of {worst_down.downtime_bound_s:.0f} s "
                f"({worst_down.case})"))
    for result in (r for r in results if r.instances == 4):
        speedup, down_ratio = result.speedup, result.downtime_ratio
        if speedup is None or down_ratio is None:
            raise ValueError(f"{result.case}: a goal compares it with the original, which has no equivalent")
        out.append((f"{result.case}: >= {SPEEDUP_GOAL}x faster than the original's order",
                    speedup >= SPEEDUP_GOAL,
                    f"{speedup:.2f}x ({result.original_s:.0f} s -> {result.duration_s:.0f} s)"))
        out.append((f"{result.case}: primary-name downtime <= {DOWNTIME_RATIO_GOAL} x the original's",
                    down_ratio <= DOWNTIME_RATIO_GOAL,
                    f"{down_ratio:.2f} ({result.original_downtime_s:.0f} s -> "
                    f"{result.primary_downtime_s:.0f} s)"))
    return out


def timing_table(results: list[Result]) -> list[str]:
    lines = ["| case | instances | refresh s | bound s | ratio | worst down s | down bound s "
             "| original s | original primary down s | speed-up | primary down ratio |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        lines.append(f"| {r.case} | {r.instances} | {r.duration_s:.0f} | {r.bound_s:.0f} | {r.ratio:.3f} "
                     f"| {r.worst_downtime_s:.0f} | {r.downtime_bound_s:.0f} | {figure(r.original_s, '.0f')} "
                     f"| {figure(r.original_downtime_s, '.0f')} | {figure(r.speedup, '.2f', 'x')} "
                     f"| {figure(r.downtime_ratio, '.2f')} |")
    return lines


def figure(value: float | None, spec: str, unit: str = "") -> str:
    """A figure of the original's, or a dash where the original has no equivalent."""
    return "—" if value is None else f"{value:{spec}}{unit}"


def usage_table(results: list[Result]) -> list[str]:
    lines = ["| case | Lambda invocations | state transitions | cost per refresh (USD) | history events "
             "| of 25,000 | real s |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        lines.append(f"| {r.case} | {r.invocations} | {r.transitions} | {r.cost:.5f} | {r.history_events} "
                     f"| {r.history_events / HISTORY_LIMIT:.1%} | {r.real_s:.1f} |")
    return lines


def over_bound(results: list[Result]) -> str:
    """The refreshes that took longer than their bound, and by how much."""
    over = [f"{r.case} by {r.duration_s - r.bound_s:.0f} s" for r in results if r.duration_s > r.bound_s]
    return "; ".join(over) if over else "none"


def render(results: list[Result], latency: Latency, polling: Polling, total_real_s: float) -> str:
    checks = goals(results, polling)
    lines = [
        "# Benchmark: the refresh on the simulator",
        "",
        f"Generated {dt.date.today().isoformat()} by `{COMMAND}` on {platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs ({total_real_s:.0f} real seconds in all).",
        "Times are virtual seconds of the default latency model; they repeat exactly on any machine. "
        "Only `real s` (wall-clock seconds of one simulation, synthesis included when not cached) depends on it.",
        "",
        "Trees: `staging` and its replicas, refreshed from `production`, restarting one ECS service; a chain is "
        "staging -> staging-1 -> staging-2 ... (RDS for MySQL allows 3 replicas in a chain below a source, so 8 "
        "instances stand as a binary tree: each with up to two replicas, breadth first), a fan-out has every "
        "replica under staging; every instance has the engine's default parameter group. The example world is "
        "simulator/examples/world-example.json with input-example.json (the primary has a parameter group of its "
        "own). The MySQL tree is the one of "
        "tests/workflow/test_real_account.py: customer-managed keys, enhanced monitoring, log exports, a primary "
        "and a replica with parameter groups of their own, no restart. The restore cases clone it by another "
        "method (lambdas/mitosis/planner.py, choose_clone): with the target in a VPC of its own "
        "(world-other-vpc.json, Performance Insights under a key of its own), `auto` restores production to its "
        "latest restorable time (point_in_time), and the snapshot method restores production's newest automated "
        "snapshot, copied first with the target's key; in world-shared-snapshot.json production is in another "
        "account, which shares an encrypted snapshot: copied with the target's key, then restored. The Aurora case "
        "(world-aurora.json, input-aurora.json) refreshes a staging cluster of two instances (a Serverless v2 "
        "writer and a reader, each with its own settings) from a production cluster of three, by a copy-on-write "
        "clone; its instances count in `instances`, not the cluster.",
        "",
        "## Time and downtime",
        "",
        *timing_table(results),
        "",
        "- **bound**: the critical path of the executed plan (simulator/bench/bound.py), which no order of its "
        "operations can beat: the clone (create_read_replica), the root's configure when the plan has it "
        "(modify_lag: a new parameter group changes no status), promote + enable_backups (the promote's reboot puts "
        "the root's new group in effect, so its reboot takes nothing), the slowest branch of replicas (each: "
        "create_read_replica, its configure when planned: modify_lag, + enable_backups when it turns backups on, "
        "and its reboot when planned: reboot, which has no lag), the slowest name's two renames (each modify_lag "
        "+ rename), the restart and the deletes. A restored root instead: the snapshot copy when planned "
        "(copy_snapshot), the restore (restore_point_in_time or restore_snapshot) + enable_backups (it restores "
        "with backups on), then its configure (what a restore cannot set: enhanced monitoring is modify_lag + "
        "modify). An Aurora cluster: the clone (clone_cluster), then its writer's copy, then its readers' "
        "(create_cluster_instance each: the first instance of a cluster is its writer), the slowest name's two renames "
        "(an instance's: each modify_lag + rename; the cluster's: rename_cluster each), the restart and the deletes "
        "(the old instances' and the old cluster's at once). **ratio** = refresh / bound.",
        "- Above the bound, the refresh waits for polling only: a check comes first_check_s after its request, "
        f"then every {polling.interval_s} s, so a {latency.modify_lag:g} s configure is seen at "
        f"{polling.first_check('modify')} s, and the root's reboot, planned but made unnecessary by the promote, "
        f"still costs its first wait ({polling.first_check('reboot')} s). Over their bound: "
        f"{over_bound(results)}.",
        "- **worst down**: the longest time any name of the tree was held by no available instance; **down bound**: "
        "the least it can be, from the start of the old instance's rename (after its modify lag) to the end of "
        "the copy's rename into place, which RDS accepts only once the old one's is over: 2 renames + one "
        f"modify_lag ({2 * latency.rename + latency.modify_lag:g} s). An Aurora cluster's own name (its endpoint) is "
        "down while its cluster is renamed, twice, and while its new writer is renamed: "
        f"{2 * latency.rename_cluster + latency.rename:g} s, under its instances' names' bound.",
        "- **original**: the original tool's order on the same latency model (see assumptions); **speed-up** = "
        "original / refresh, **primary down ratio** = our primary name's downtime / the original's; — where the "
        "original has no equivalent.",
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
        "- Latency model (virtual s, simulator/latency.py): "
        + ", ".join(f"{k} {v:g}" for k, v in vars(latency).items()) + ".",
        f"- Polling (infrastructure/settings.py, as cdk.json leaves it): first check per operation "
        f"{polling.first_check_s}, then every {polling.interval_s} s.",
        f"- Prices (AWS list, no free tier): Step Functions Standard ${SFN_USD_PER_TRANSITION * 1000:.3f} per "
        f"1,000 state transitions; Lambda ${LAMBDA_USD_PER_REQUEST * 1e6:.2f} per 1M requests + "
        f"${LAMBDA_USD_PER_GB_S} per GB-second at {LAMBDA_MEMORY_GB * 1024:.0f} MB, assuming "
        f"{LAMBDA_DURATION_S * 1000:.0f} ms per invocation. RDS instance hours are not counted.",
        "- State transitions: every state entered, plus every retry of a task (each NotReady poll is one "
        "Lambda invocation and one transition), as Standard workflows bill them.",
        f"- History: {HISTORY_LIMIT:,} events is Step Functions' limit per execution; each poll adds 3 events "
        f"(scheduled, started, failed), so a wait that ran to the {polling.timeout_s} s timeout would add "
        f"{3 * polling.max_attempts():,}.",
        "- The plan: a dry run's with the same world and input (the planner is pure; the refresh created the same "
        "copies by the same calls, a replica or a restore, and the same snapshot copy).",
        "- The original's order ([docs/original.md](original.md)), modelled, not run (simulator/bench/original.py): "
        f"one operation at a time, each waited for by a {POLL_S} s sleep then a check every {POLL_S} s; the root "
        "is created, promoted without parameters (AWS's default retention turns backups on: promote + "
        "enable_backups), then modified with its windows and parameter group (no status change: one sleep); each "
        "replica, breadth first, is created, then modified with its windows and parameter group (one sleep), "
        "with BackupRetentionPeriod 1 when it has replicas (modify_lag + enable_backups); every name is renamed "
        "to old- (leaves first) before any temp- name is renamed in (root last), each rename modify_lag + rename; "
        "the restart script lasts as long as ours; deletes are sent without waiting, so its time stops before "
        "the old tree is gone (ours includes the deletes), and it never reboots, so its copies' parameter groups "
        "are not in effect (ours reboot where needed): both favour the original. Its primary name is missing "
        "from the start of the root's rename to old- until temp-<target>'s rename ends: instances x one rename's "
        "wait + one rename.",
        "- The original's restore: it restores production's latest snapshot where the target is in another VPC "
        "(it has no point-in-time restore, and copies no snapshot: its copy keeps production's key, and its data "
        "is as old as that snapshot), with no backup retention (the default 1 turns backups on: restore_snapshot "
        "+ enable_backups), then modifies what a restore cannot set: windows, parameter group and Performance "
        "Insights (no status change) and enhanced monitoring (modify_lag + modify); the replicas and renames as "
        "above. A snapshot another account shares has no equivalent: the original reads production's instance "
        "in the same account (—).",
        "- The original fails on an Aurora cluster (it reads and replicates DB instances only): the Aurora case has "
        "no equivalent (—).",
        "",
    ]
    return "\n".join(lines)
