"""Describe and Check no other refresh: what a refresh starts from, before anything is changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mitosis.adapters.kms import Kms
from mitosis.adapters.rds import Rds
from mitosis.adapters.sfn import StepFunctions
from mitosis.errors import RefreshAlreadyRunning
from mitosis.models import DescribeEvent, Refresh, RefreshJob, RefreshRequest, newest_available, source_copy_prefix


def describe(rds: Rds, kms: Kms, event: DescribeEvent, jobs: list[RefreshJob]) -> Refresh:
    """Validate the input against the declared jobs (InvalidInput before anything is read), then gather the
    part of the region's replication graph the refresh needs, and the snapshots a restore may read (`auto` may
    choose one too: planner.choose_clone), with whether this account may use the key of one shared from another
    account."""
    request = RefreshRequest.parse(event.input).as_declared(jobs)
    graph = rds.replication_graph().relevant_to(request.source, request.target)
    if request.clone.method in ("snapshot", "auto") and not request.aurora:  # an Aurora clone reads no snapshot
        named = request.clone.snapshot
        # Of production's own snapshots only the newest available one is ever restored: the state keeps just it
        # (an account may hold 100 manual snapshots and 35 days of automated ones; a state holds 256 KiB).
        # The refreshes' own copies of production's snapshots are left out: each is another target's (encrypted
        # with its key, and deleted when its refresh ends) or this target's from an earlier run (pruned anyway).
        copies = tuple(source_copy_prefix(job.target) for job in jobs)
        chosen = rds.snapshot(named) if named else newest_available(
            s for s in rds.snapshots_of(request.source) if not s.DBSnapshotIdentifier.startswith(copies))
        snapshots = [chosen] if chosen else []
        for snapshot in snapshots:
            if snapshot.shared and snapshot.Encrypted and snapshot.KmsKeyId:
                snapshot.KeyUsable = kms.usable(snapshot.KmsKeyId)
        graph = graph.model_copy(update={"snapshots": snapshots})
    return Refresh(request=request, graph=graph, run=event.run)


def check_no_other_refresh(sfn: StepFunctions, refresh: Refresh) -> dict[str, Any]:
    """One refresh per target: of two executions for one target started together, the earlier one (then the
    smaller name) goes on, the other stops here."""
    run, target = refresh.run, refresh.request.target
    if refresh.request.dry_run:  # a dry run changes nothing: it neither waits for nor stops a refresh
        return {"target": target, "running": False}
    rivals = [e for e in sfn.running_executions(run.state_machine)
              if e["name"] != run.name and isinstance(e["input"], dict) and not e["input"].get("dry_run")
              and str(e["input"].get("target", "")).lower() == target]
    mine = (_started(run.started), run.name)
    earlier = sorted((_started(e["startDate"]), e["name"]) for e in rivals)
    if earlier and earlier[0] < mine:
        raise RefreshAlreadyRunning(f"Execution '{earlier[0][1]}' is already refreshing '{target}': this one stops "
                                    "before changing anything. Wait for it to end, or stop it first.")
    return {"target": target, "running": False}


def _started(value: Any) -> datetime:
    """A comparable start time: the context object gives ISO 8601 text, DescribeExecution a datetime."""
    started = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return started if started.tzinfo else started.replace(tzinfo=UTC)
