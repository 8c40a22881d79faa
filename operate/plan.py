"""`mitosis plan`: the flight plan the deployed state machine would follow, read-only, from the same steps its
dry run takes: Describe (the input checked against the declared jobs, the replication graph read) and the pure
planner. Only reads are called: DescribeDBInstances, DescribeAccountAttributes, ListTagsForResource for an
instance listed without tags and, for a snapshot restore, DescribeDBSnapshots and KMS DescribeKey."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from mitosis.adapters.kms import Kms
from mitosis.adapters.rds import Rds
from mitosis.models import DescribeEvent, Plan, RefreshJob, Run
from mitosis.planner import plan_refresh
from mitosis.steps.describe import describe

# The generation the plan names its copies and the final snapshot after; an execution uses its own name.
DEFAULT_EXECUTION_NAME = "plan"


def flight_plan(rds_client: Any, kms_client: Any, source: str, target: str, jobs: list[RefreshJob],
                execution_name: str = DEFAULT_EXECUTION_NAME) -> Plan:
    """The plan a dry run of (source, target) would output now; InvalidInput or PlanRefused as it would fail."""
    run = Run(name=execution_name, started=dt.datetime.now(dt.UTC).isoformat())
    event = DescribeEvent(input={"source": source, "target": target, "dry_run": True}, run=run)
    refresh = describe(Rds(rds_client), Kms(kms_client), event, jobs)
    return plan_refresh(refresh.graph, refresh.request, refresh.run)


def as_json(plan: Plan) -> str:
    """The dry run's output form: `{"flight_plan": [{"op", "params"}...]}`."""
    return json.dumps({"flight_plan": [op.model_dump(mode="json") for op in plan.flight_plan]}, indent=2)


def _value(value: Any) -> str:
    if isinstance(value, list):
        return f"[{len(value)} items]" if value and isinstance(value[0], dict) else ",".join(map(str, value))
    if isinstance(value, dict):
        return "{...}"
    return str(value)


def _subject(params: dict[str, Any]) -> str:
    """The key naming what a call acts on: an instance, else an Aurora cluster (a cluster instance's create names
    both: its instance)."""
    return "DBInstanceIdentifier" if "DBInstanceIdentifier" in params else "DBClusterIdentifier"


def table(plan: Plan, width: int = 160) -> str:
    """One line per call: its number, operation, instance (or Aurora cluster) and the rest of its request, shortened
    to `width`."""
    lines = [f"Flight plan: refresh {plan.target} from {plan.source} ({len(plan.flight_plan)} calls, generation "
             f"{plan.generation})"]
    for note in plan.notes:
        lines.append(f"  note: {note}")
    operations = plan.flight_plan
    op_width = max([len(op.op) for op in operations] + [9])
    instances = [str(op.params.get(_subject(op.params), "")) for op in operations]
    instance_width = max([len(i) for i in instances] + [8])
    lines.append(f"{'#':>3}  {'operation':<{op_width}}  {'instance':<{instance_width}}  request")
    for number, (op, instance) in enumerate(zip(operations, instances, strict=True), start=1):
        rest = ", ".join(f"{key}={_value(value)}" for key, value in op.params.items()
                         if key != _subject(op.params) and value is not None)
        line = f"{number:>3}  {op.op:<{op_width}}  {instance:<{instance_width}}  {rest}"
        lines.append(line if len(line) <= width else line[:width - 3] + "...")
    return "\n".join(lines)
