"""The original tool's order, modelled on the same latency model: the original cannot run on the simulator, and its
order is simple enough to add up."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from simulator.bench.bound import Build, restart_s
from simulator.latency import Latency

ORIGINAL_POLL_S = 60  # the original sleeps 60 s, then checks every 60 s (ORIGINAL.md 5.3)


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
