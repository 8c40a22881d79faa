"""Secrets Manager adapter: read a secret's value. The value is never logged or returned to the workflow."""

from __future__ import annotations

import json
from typing import Any

from mitosis.adapters.aws import aws_errors, lazy_client


class Secrets:
    def __init__(self, client: Any = None) -> None:
        self._client = (lambda: client) if client is not None else lazy_client("secretsmanager")

    def password(self, secret_arn: str) -> str:
        """The secret's string, or its "password" key when the string is a JSON object (the shape RDS and
        Secrets Manager's rotation templates use)."""
        with aws_errors():
            value = str(self._client().get_secret_value(SecretId=secret_arn)["SecretString"])
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return str(parsed["password"]) if isinstance(parsed, dict) and "password" in parsed else value
