"""Describe: validate the execution input and gather the replication graph of the region."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from mitosis.adapters.rds import Rds
from mitosis.models import Refresh, RefreshRequest, Run

logger = Logger(service="mitosis")
rds = Rds()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`event` is {"input": the execution input, "run": the execution, from the context object}."""
    request = RefreshRequest.parse(event.get("input"))  # bad input fails here, before anything is read
    graph = rds.replication_graph()
    logger.info("Described the region", extra={"instances": len(graph.instances), "target": request.target})
    return Refresh(request=request, graph=graph, run=Run.model_validate(event["run"])).model_dump(mode="json")
