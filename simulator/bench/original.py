"""The original stack-mitosis's order (docs/original.md), modelled on the same latency model: the original cannot
run on the simulator, and its order is simple enough to add up.

One operation at a time, in its plan's order, each followed by a 60 s sleep and then a check every 60 s until
the instance's status is `available` again (a rename: until the old name is gone and the new one available):

    root      create, promote (no parameters: AWS's default retention 1 turns backups on), then a modify with its
              windows and parameter group (in at once: no status change, so the first check sees it done);
              or, when the target is in another VPC than production, a restore of production's latest snapshot
              (no BackupRetentionPeriod: the default 1 turns backups on, `backing-up` after `creating`; no copy),
              then a modify with what a restore cannot set: its windows, parameter group and Performance
              Insights (no status change) and its enhanced monitoring (`configuring-enhanced-monitoring`)
    replicas  breadth first, each: create, then a modify with its windows and parameter group, and
              BackupRetentionPeriod 1 when it has replicas (modify_lag, then `backing-up`)
    swap      every name renamed to old- (leaves first, the root last), then every temp- name into place (the
              root last): 2 x instances renames, each modify_lag + rename
    restart   as long as ours; deletes are sent without waiting, so its time ends before the old tree is gone

Its primary name is missing from the start of the root's rename to old- (the last of its kind) to the end of
temp-<target>'s rename (the last of all): instances x one rename's wait + one rename.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from simulator.latency import Latency

POLL_S = 60  # the original sleeps 60 s after each operation, then checks every 60 s


def wait_s(busy_s: float) -> float:
    """How long the original waits for an operation that keeps its instance busy `busy_s`: 60 s, then until a
    check every 60 s sees it done."""
    return POLL_S * max(1, math.ceil(busy_s / POLL_S))


def modify_wait_s(busy_s: float, latency: Latency) -> float:
    """A modify's wait: the original looks at the status only, so a change still pending (the modify lag) at its
    first check counts as done."""
    return POLL_S if latency.modify_lag >= POLL_S else wait_s(latency.modify_lag + busy_s)


def original_timing(tree: Mapping[str, str | None], restart_s: float, latency: Latency, restored: bool = False,
                    monitoring: bool = False) -> tuple[float, float]:
    """(refresh time, primary-name downtime) of the original's order for a copy of `tree` ({name: parent}, the
    root first) and a restart of `restart_s`; `restored`: its root is restored from production's latest snapshot,
    and `monitoring`: the target has enhanced monitoring, which the modify after that restore turns on."""
    serving = set(tree.values())
    if restored:
        root = wait_s(latency.restore_snapshot + latency.enable_backups)
        root += modify_wait_s(latency.modify if monitoring else 0.0, latency)
    else:
        root = wait_s(latency.create_read_replica) + wait_s(latency.promote + latency.enable_backups)
        root += POLL_S  # its modify changes no status
    replicas = sum(wait_s(latency.create_read_replica)
                   + (modify_wait_s(latency.enable_backups, latency) if name in serving else POLL_S)
                   for name, parent in tree.items() if parent is not None)
    rename = wait_s(latency.modify_lag + latency.rename)  # done when the old name is gone and the new available
    total = root + replicas + 2 * len(tree) * rename + restart_s
    primary_downtime = len(tree) * rename + latency.rename
    return total, primary_downtime
