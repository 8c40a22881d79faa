"""What every adapter shares: lazily created clients and AWS error codes turned into workflow error types."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

from mitosis.errors import MitosisError, TransientAwsError

# Codes for which the same call can succeed when Step Functions retries it.
TRANSIENT_CODES = frozenset({
    "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
    "InternalFailure", "InternalError", "InternalServerError", "ServiceUnavailable", "RequestTimeout",
})


class AwsError(MitosisError):
    """An AWS error that retrying will not fix. Subclasses are named after the AWS error code."""

    code = "AwsError"


@cache
def aws_error_type(code: str) -> type[AwsError]:
    """An exception class named after the error code, so the state machine can Catch `DBInstanceAlreadyExists`."""
    name = code if code.isidentifier() else "AwsError"
    return type(name, (AwsError,), {"code": code})


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def translate(error: ClientError) -> MitosisError:
    code = error_code(error)
    if code in TRANSIENT_CODES:
        return TransientAwsError(str(error))
    return aws_error_type(code)(str(error))


@contextmanager
def aws_errors() -> Iterator[None]:
    try:
        yield
    except ClientError as error:
        raise translate(error) from error


def lazy_client(service: str) -> Callable[[], Any]:
    """A client created on first use, so importing a handler needs no credentials or region; one per region,
    so a process that simulates several worlds never talks to the wrong one."""
    clients: dict[str | None, Any] = {}

    def get() -> Any:
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if region not in clients:
            clients[region] = boto3.client(service, region_name=region)
        return clients[region]

    return get
