"""An instance's (or an Aurora DB cluster's) life on the virtual clock: planned phases, the events that come with
them, daily backups.

Phases `(start, identifier, status)` are planned when an operation starts (replacing whatever was planned after
that instant) and read lazily: the status at t is that of the last phase starting at or before t. Events are
what happens at a planned instant besides a status change (a modification's values reach the instance, a
deleted instance disappears...); a new plan drops the old plan's events. A modification accepted but not yet
started (`Pending`) has its own start time, outside the plan: a reboot meanwhile does not cancel it.

Automated backups: while the planned status is `available`, an instance whose BackupRetentionPeriod > 0 is
`backing-up` during its PreferredBackupWindow every day of the virtual calendar.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.rds.models import DBCluster, DBInstance

from simulator.latency import calendar_start

GONE = "deleted"  # pseudo-status of the phase after a deletion ends
DAY = 86400.0


@dataclass
class Phase:
    start: float
    identifier: str
    status: str


@dataclass
class Event:
    t: float
    seq: int
    action: Callable[[float], None]


@dataclass
class Pending:
    """A ModifyDBInstance accepted with its changes waiting `modify_lag` before they start."""

    starts: float
    seq: int
    request: dict[str, Any]  # merged request keys (ModifyDBInstance names), without bookkeeping keys
    outcome: str | None = None  # the status an rds:status fault imposes at the end
    parameter_group: bool = False  # a new DB parameter group is `applying` until this modification ends


@dataclass(kw_only=True)
class Timeline:
    """Planned phases and the events that come with them: an instance's (Lifecycle) or a cluster's
    (ClusterLifecycle)."""

    phases: list[Phase] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    removed: bool = False  # gone from moto's backend (its deletion ended)

    @property
    def identifier(self) -> str:
        raise NotImplementedError

    def at(self, t: float) -> Phase:
        return [phase for phase in self.phases if phase.start <= t][-1]

    def plan(self, now: float, steps: list[tuple[str, float]], ending: str) -> float:
        """Replace whatever was planned after `now` by `steps` (status, duration) then `ending`; return the
        instant the steps end."""
        identifier = self.identifier
        self.phases = [phase for phase in self.phases if phase.start <= now]
        self.events = []
        t = now
        for status, duration in steps:
            self.phases.append(Phase(t, identifier, status))
            t += duration
        self.phases.append(Phase(t, identifier, ending))
        return t


@dataclass
class Lifecycle(Timeline):
    db: DBInstance
    data_origin: str
    backups: list[tuple[float, str | None]] = field(default_factory=list)  # (since, window or None: off)
    parameter_status: list[tuple[float, str]] = field(default_factory=lambda: [(-math.inf, "in-sync")])
    pending: Pending | None = None
    deferred: dict[str, Any] = field(default_factory=dict)  # waiting for the maintenance window
    in_flight: dict[str, Any] = field(default_factory=dict)  # the modification under way

    @property
    def identifier(self) -> str:
        return str(self.db.db_instance_identifier)

    # Automated backups

    def set_backups(self, t: float, retention: int, window: str | None) -> None:
        entry = (t, window if retention > 0 and window else None)
        self.backups = [b for b in self.backups if b[0] < t] + [entry]

    def backup_spans(self, t0: float, t1: float) -> list[tuple[float, float]]:
        """The daily backup windows in effect within [t0, t1), clipped to it."""
        spans: list[tuple[float, float]] = []
        ends = [since for since, _ in self.backups[1:]] + [math.inf]
        for (since, window), until in zip(self.backups, ends, strict=True):
            lo, hi = max(t0, since), min(t1, until)
            if window and lo < hi:
                spans += window_spans(window, lo, hi)
        return spans

    def status_at(self, t: float, backups: bool = True) -> str:
        status = self.at(t).status
        if status == "available" and backups and any(s <= t < e for s, e in self.backup_spans(t, t + 1)):
            return "backing-up"
        return status

    def effective_phases(self, until: float) -> list[Phase]:
        """The phases with the daily backups cut into their `available` spans, up to `until`."""
        ends = [phase.start for phase in self.phases[1:]] + [math.inf]
        result: list[Phase] = []
        for phase, end in zip(self.phases, ends, strict=True):
            result.append(phase)
            if phase.status != "available" or phase.start >= until:
                continue
            for s, e in self.backup_spans(phase.start, min(end, until)):
                result.append(Phase(s, phase.identifier, "backing-up"))
                if e < end:
                    result.append(Phase(e, phase.identifier, "available"))
        return result

    def available_spans(self, until: float) -> list[tuple[str, float, float]]:
        phases = self.effective_phases(until)
        ends = [phase.start for phase in phases[1:]] + [math.inf]
        return [(p.identifier, p.start, end) for p, end in zip(phases, ends, strict=True) if p.status == "available"]

    # DB parameter group status

    def set_parameter_status(self, t: float, status: str) -> None:
        self.parameter_status.append((t, status))
        self.parameter_status.sort(key=lambda entry: entry[0])  # stable: same instant keeps call order

    def parameter_status_at(self, t: float) -> str:
        return [status for since, status in self.parameter_status if since <= t][-1]



@dataclass
class ClusterLifecycle(Timeline):
    """An Aurora DB cluster's life: its statuses (no automated backup windows: Aurora's backups are continuous,
    and which status they show is undocumented), the changes a ModifyDBCluster without ApplyImmediately left for
    the maintenance window, and which instance was its writer since when (a name served by the cluster endpoint
    needs both the cluster and its writer available)."""

    cluster: DBCluster
    data_origin: str
    deferred: dict[str, Any] = field(default_factory=dict)
    writers: list[tuple[float, str | None]] = field(default_factory=lambda: [(-math.inf, None)])

    @property
    def identifier(self) -> str:
        return str(self.cluster.db_cluster_identifier)

    def status_at(self, t: float) -> str:
        return self.at(t).status

    def set_writer(self, t: float, dbi_resource_id: str | None) -> None:
        if self.writers[-1][1] != dbi_resource_id:
            self.writers.append((t, dbi_resource_id))

    def available_spans(self, until: float) -> list[tuple[str, float, float]]:
        ends = [phase.start for phase in self.phases[1:]] + [math.inf]
        return [(p.identifier, p.start, end) for p, end in zip(self.phases, ends, strict=True)
                if p.status == "available" and p.start < until]

    def writer_spans(self) -> list[tuple[str, float, float]]:
        """(DbiResourceId, since, until) of each writer the cluster had."""
        ends = [since for since, _ in self.writers[1:]] + [math.inf]
        return [(dbi, since, end) for (since, dbi), end in zip(self.writers, ends, strict=True) if dbi]

def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def window_spans(window: str, t0: float, t1: float) -> list[tuple[float, float]]:
    """The daily occurrences of a UTC window "hh24:mi-hh24:mi" on the virtual calendar, clipped to [t0, t1)."""
    begin, end = (_minutes(part) * 60.0 for part in window.split("-"))
    length = (end - begin) % DAY or DAY
    origin = calendar_start()
    midnight = dt.datetime.combine(origin.date(), dt.time(), tzinfo=dt.UTC)
    offset = (origin - midnight).total_seconds()  # virtual second 0 is this far into its day
    spans = []
    first_day = math.floor((t0 + offset) / DAY) - 1
    day = first_day
    while True:
        start = day * DAY - offset + begin
        if start >= t1:
            break
        lo, hi = max(start, t0), min(start + length, t1)
        if lo < hi:
            spans.append((lo, hi))
        day += 1
    return spans


def lived_phases(phases: list[Phase], until: float) -> list[Phase]:
    """The phases that really happened by `until`: none of zero length (the world's instant setup, or a phase
    replaced by a new plan at the instant it began) and no repeat of the status just before."""
    starts = [phase.start for phase in phases[1:]] + [math.inf]
    lived: list[Phase] = []
    for phase, end in zip(phases, starts, strict=True):
        if phase.start > until or end <= phase.start:
            continue
        if lived and (lived[-1].identifier, lived[-1].status) == (phase.identifier, phase.status):
            continue
        lived.append(phase)
    return lived


def union_length(spans: list[tuple[float, float]]) -> float:
    total, reach = 0.0, -math.inf
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def intersection(first: list[tuple[float, float]], second: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The spans in both lists (each a list of disjoint or overlapping spans)."""
    return [(max(a, c), min(b, d)) for a, b in first for c, d in second if max(a, c) < min(b, d)]
