"""Virtual time: the latency model (how long each AWS operation keeps a resource busy) and the virtual calendar.

Every duration is in virtual seconds; the defaults (`Latency`) are:

- create_read_replica 1200: CreateDBInstanceReadReplica (and CreateDBInstance) stays `creating`.
- promote 300: PromoteReadReplica stays `modifying` (RDS reboots the instance before making it available).
- modify 120: a ModifyDBInstance change stays `modifying` (or `resetting-master-credentials`,
  `configuring-enhanced-monitoring`, `configuring-log-exports`, `configuring-iam-database-auth`).
- modify_lag 30: how long a ModifyDBInstance's changes wait in PendingModifiedValues, the instance still
  `available` (and, for a rename, still under its old identifier), before they start. AWS documents no figure.
- enable_backups 300: the `backing-up` after backups are turned on (0 -> n) by ModifyDBInstance or
  PromoteReadReplica.
- rename 600: `renaming`. User Guide "Renaming a DB instance": "The new DNS name for the renamed DB instance
  becomes effective in about 10 minutes. The renamed DB instance is not available until the new name becomes
  effective." (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RenameInstance.html)
- reboot 120: RebootDBInstance stays `rebooting`.
- delete 300: DeleteDBInstance stays `deleting`, then the instance is gone.
- restore_snapshot 1500: RestoreDBInstanceFromDBSnapshot stays `creating`.
- restore_point_in_time 1500: RestoreDBInstanceToPointInTime: `creating` (then `backing-up`, enable_backups,
  when the restore turns backups on).
- copy_snapshot 600: CopyDBSnapshot: the copy is `creating` until then.
- clone_cluster 600: RestoreDBClusterToPointInTime with RestoreType copy-on-write (an Aurora clone; CreateDBCluster
  too): the cluster is `creating`. The User Guide says a clone is "faster and more space-efficient than physically
  copying the data" but gives no figure: the clone shares production's storage, so it does not grow with its size.
  A full-copy restore takes restore_point_in_time.
- create_cluster_instance 600: CreateDBInstance of an Aurora cluster's instance stays `creating` (AWS documents no
  figure).
- rename_cluster 120: ModifyDBCluster with NewDBClusterIdentifier: `renaming`. AWS documents no figure for an Aurora
  cluster; for a Multi-AZ DB cluster the User Guide says "The new DNS name for the renamed Multi-AZ DB cluster
  becomes effective in about two minutes" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
  multi-az-db-cluster-rename.html).
- delete_cluster 300: DeleteDBCluster stays `deleting`, then the cluster is gone (as delete, undocumented).
- ssm_command 60: an SSM Run Command invocation stays `InProgress`.
- ecs_deployment 180: an ECS rolling deployment takes this long to reach its desired count.
- ecs_task 60: a task started by ecs:RunTask runs this long before it stops.

The calendar: virtual second t is `calendar_start() + t`. It starts at EPOCH (2026-01-01T00:00Z, a Thursday)
unless the world says `"start": "<ISO 8601 UTC time>"` (`world_start`). Timestamps the simulated AWS hands out
(InstanceCreateTime, SnapshotCreateTime, createdAt...) and the daily backup windows are on this calendar;
`simulator.world.load_world` sets it to the world's start, as moto's own state, one world per process at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from simulator.world import WorldError

# The default virtual second 0, the same instant as simulator.clock.VirtualClock's default start.
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

_calendar = {"start": EPOCH}


def world_start(world: Mapping[str, Any]) -> dt.datetime:
    """The instant of virtual second 0 for `world`: its `start` (ISO 8601, UTC), else EPOCH. The runner's
    VirtualClock must start there too: `VirtualClock(start=world_start(world))`."""
    raw = world.get("start") if isinstance(world, Mapping) else None
    if raw is None:
        return EPOCH
    if not isinstance(raw, str):
        raise WorldError(f"'start' must be an ISO 8601 UTC time such as 2026-01-01T00:00:00Z, not {raw!r}")
    try:
        start = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise WorldError(f"'start' must be an ISO 8601 UTC time such as 2026-01-01T00:00:00Z, not {raw!r}") from None
    if start.utcoffset() != dt.timedelta(0):
        raise WorldError(f"'start' must be in UTC (Z or +00:00): {raw!r}")
    return start.astimezone(dt.UTC)


def set_calendar_start(start: dt.datetime) -> None:
    """Make `start` virtual second 0 of the simulated AWS's calendar (load_world does, with world_start)."""
    _calendar["start"] = start


def calendar_start() -> dt.datetime:
    return _calendar["start"]


def to_datetime(t: float) -> dt.datetime:
    return _calendar["start"] + dt.timedelta(seconds=t)


@dataclass(frozen=True)
class Latency:
    create_read_replica: float = 1200
    promote: float = 300
    modify: float = 120
    modify_lag: float = 30
    enable_backups: float = 300
    rename: float = 600
    reboot: float = 120
    delete: float = 300
    restore_snapshot: float = 1500
    restore_point_in_time: float = 1500
    copy_snapshot: float = 600
    clone_cluster: float = 600
    create_cluster_instance: float = 600
    rename_cluster: float = 120
    delete_cluster: float = 300
    ssm_command: float = 60
    ecs_deployment: float = 180
    ecs_task: float = 60


# World setup: the world's resources exist, settled, at virtual time 0. The simulators recognise this very
# object as "the world is being set up" (no daily backups block the setup calls).
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
