"""The refresh's measurements, as CloudWatch metrics: names, units and dimensions in one place (the Notify
function emits them, the stack's dashboard graphs them).

Namespace `StackMitosis`; every metric has the dimensions `job` and `target` (and `service`, which Powertools
adds: the functions' POWERTOOLS_SERVICE_NAME, "mitosis"); `NameDowntime` has `name` too. Dimension values are
a deployment's declared jobs and their trees' names: a handful of series, not one per execution. A dry run
changes nothing and measures nothing.
"""

from __future__ import annotations

from mitosis.history import Summary

NAMESPACE = "StackMitosis"
SERVICE = "mitosis"
DIMENSIONS = ("job", "target")
REFRESHES = "Refreshes"  # Count: 1 per finished refresh
FAILED_REFRESHES = "FailedRefreshes"  # Count: 1 when it did not succeed, else 0
REFRESH_DURATION = "RefreshDuration"  # Seconds, succeeded refreshes
PHASE_DURATION = {"build": "BuildDuration", "swap": "SwapDuration", "restart": "RestartDuration",
                  "delete": "DeleteDuration"}  # Seconds, succeeded refreshes
NAME_DOWNTIME = "NameDowntime"  # Seconds, per name (dimension `name`)


def measurements(summary: Summary) -> dict[str, float]:
    """The per-refresh metrics of a finished execution (not the downtimes): durations only when it succeeded
    (a failed run's phases are cut short, and would bend the graphs)."""
    if summary.dry_run or summary.duration_s is None:
        return {}
    values = {REFRESHES: 1.0, FAILED_REFRESHES: 0.0 if summary.status == "SUCCEEDED" else 1.0}
    if summary.status == "SUCCEEDED":
        values[REFRESH_DURATION] = summary.duration_s
        values |= {PHASE_DURATION[phase]: seconds for phase, seconds in summary.phases_s.items()}
    return values


def downtimes(summary: Summary) -> dict[str, float]:
    """Each name's downtime this execution measured (mitosis.history.downtime), whatever its status: a name
    that was down is worth knowing about most when the refresh failed."""
    return {} if summary.dry_run else dict(summary.downtime_s)
