"""What every handler shares: its event parsed through its payload model, its log lines tagged with the
execution and the target it works for, and its result returned as JSON."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from mitosis.models import Outcome, TaskContext

logger = Logger(service="mitosis")
Payload = TypeVar("Payload", bound=BaseModel)


class Handler(Protocol):
    """A Lambda handler, with the model its event's payload is parsed through (what the state machine's
    paths must select: tests/infrastructure/test_paths.py)."""

    payload: type[BaseModel]

    def __call__(self, event: dict[str, Any], context: Any) -> Any: ...  # context: Lambda's LambdaContext


def lambda_handler(payload: type[Payload]) -> Callable[[Callable[[Payload], Any]], Handler]:
    """Make `step(payload)` a Lambda handler. Every task's event is `{"event": payload, "context": {"execution",
    "target"}}`: the state machine puts the execution and the target on every call, so every log line says
    which refresh it belongs to."""

    def decorate(step: Callable[[Payload], Any]) -> Handler:
        @functools.wraps(step)
        @logger.inject_lambda_context(clear_state=True)  # keys of a previous invocation never leak
        def handler(event: dict[str, Any], context: LambdaContext) -> Any:
            task = TaskContext.model_validate(event.get("context") or {})
            logger.append_keys(execution=task.execution, target=task.target or None)
            result = step(payload.model_validate(event.get("event")))
            # An outcome names the instance and what was done; bigger results (the graph, the plan) are the
            # execution's state, visible in its history: only their kind is logged.
            logger.info(step.__name__, extra={"result": _json(result) if isinstance(result, Outcome)
                                              else type(result).__name__})
            return _json(result)

        handler.payload = payload  # type: ignore[attr-defined]
        return handler  # type: ignore[return-value]

    return decorate


def _json(result: Any) -> Any:
    return result.model_dump(mode="json") if isinstance(result, BaseModel) else result
