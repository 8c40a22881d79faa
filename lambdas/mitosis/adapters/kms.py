"""KMS adapter: whether this account may use a key (one another account shared, say)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from mitosis.adapters.aws import error_code, lazy_client, translate

# DescribeKey's answers for a key this account may not use (another account's key not shared with it).
UNUSABLE = frozenset({"AccessDeniedException", "NotFoundException", "KMSInvalidStateException"})


class Kms:
    def __init__(self, client: Any = None) -> None:
        self._client = (lambda: client) if client is not None else lazy_client("kms")

    def usable(self, key: str) -> bool:
        try:
            self._client().describe_key(KeyId=key)
        except ClientError as error:
            if error_code(error) in UNUSABLE:
                return False
            raise translate(error) from error
        return True
