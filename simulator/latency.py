"""Virtual time: the latency model (how long each AWS operation keeps a resource busy) and the virtual calendar.

Every duration is in virtual seconds. The defaults are the contract's (SIMULATION.md, LATENCY.json);
`ecs_task` is an extension: how long a task started by ecs:RunTask runs before it stops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from simulator.world import WorldError

# Virtual second 0, the same instant as simulator.clock.VirtualClock's default start: timestamps the
# simulated AWS hands out (InstanceCreateTime, SnapshotCreateTime, createdAt...) are this plus clock.now().
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def to_datetime(t: float) -> dt.datetime:
    return EPOCH + dt.timedelta(seconds=t)


@dataclass(frozen=True)
class Latency:
    create_read_replica: float = 1200
    promote: float = 300
    modify: float = 120
    enable_backups: float = 300
    rename: float = 120
    delete: float = 300
    restore_snapshot: float = 1500
    ssm_command: float = 60
    ecs_deployment: float = 180
    ecs_task: float = 60


# World setup: the world's resources exist, settled, at virtual time 0.
INSTANT = Latency(**{f.name: 0 for f in fields(Latency)})


def load_latency(overrides: Mapping[str, Any] | None) -> Latency:
    """The default model with a user's LATENCY.json values; unknown keys or bad values raise WorldError."""
    if overrides is None:
        return Latency()
    if not isinstance(overrides, Mapping):
        raise WorldError("the latency model must be a JSON object of virtual seconds")
    known = {f.name for f in fields(Latency)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise WorldError(f"unknown latency keys {unknown}; known keys are {sorted(known)}")
    for key, value in overrides.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise WorldError(f"latency {key} must be a non-negative number of seconds, not {value!r}")
    return replace(Latency(), **{k: float(v) for k, v in overrides.items()})
