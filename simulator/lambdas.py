"""Run the deployed Lambda functions' real handlers in-process (moto would need Docker).

A handler's exception comes back as Lambda reports it, `{"errorMessage", "errorType", "stackTrace"}`, so the
state machine's Retry and Catch match on the exception's class name as they do on AWS.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

from moto.awslambda.models import LambdaFunction

# Handlers log at their deployed level; what they print is kept as the invocation's logs, as Lambda does, instead
# of drowning the progress display. Powertools binds its stream when a handler module is imported (inside an
# invocation), so one sink serves every invocation.
_LOG_SINK = io.StringIO()


@dataclass(frozen=True)
class SimulatedContext:
    """The attributes of a Lambda context object that Powertools reads."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int = 256
    aws_request_id: str = "simulated"
    function_version: str = "$LATEST"


@contextlib.contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def invoke_in_process(function: Any, event: Any, around: Callable[[str], Any]) -> tuple[str, bool, str]:
    """Stands in for moto's `LambdaFunction._invoke_lambda`: (payload JSON, errored, logs).

    `around(function_name)` gives a context manager the call runs inside (the simulated AWS records its calls
    there, as made by that function)."""
    module_name, function_name = function.handler.rsplit(".", 1)
    variables = {**function.environment_vars, "AWS_REGION": function.region,
                 "AWS_LAMBDA_FUNCTION_NAME": function.function_name}
    payload = json.loads(event) if isinstance(event, str | bytes) else event
    context = SimulatedContext(function_name=function.function_name, invoked_function_arn=function.function_arn)
    _LOG_SINK.seek(0)
    _LOG_SINK.truncate()
    with environment(variables), around(function.function_name), contextlib.redirect_stdout(_LOG_SINK):
        try:
            handler = getattr(importlib.import_module(module_name), function_name)
            return json.dumps(handler(payload, context)), False, _LOG_SINK.getvalue()
        except Exception as error:  # noqa: BLE001 - every error goes back to Step Functions, as on AWS
            report = {"errorMessage": str(error), "errorType": type(error).__name__,
                      "stackTrace": traceback.format_tb(error.__traceback__)}
            return json.dumps(report), True, _LOG_SINK.getvalue()


@contextlib.contextmanager
def handlers_in_process(around: Callable[[str], Any]) -> Iterator[None]:
    def invoke(self: Any, event: Any = None) -> tuple[str, bool, str]:
        return invoke_in_process(self, event, around)

    with mock.patch.object(LambdaFunction, "_invoke_lambda", invoke):
        yield
