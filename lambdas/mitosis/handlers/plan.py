"""Plan: turn the replication graph into the refresh plan, or refuse it before anything is changed."""

from mitosis.models import Plan, Refresh
from mitosis.planner import plan_refresh
from mitosis.runtime import lambda_handler


@lambda_handler(Refresh)
def handler(refresh: Refresh) -> Plan:
    return plan_refresh(refresh.graph, refresh.request, refresh.run)
