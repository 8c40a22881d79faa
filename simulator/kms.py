"""Simulated KMS, for DescribeKey only: the keys a world names are labels moto's KMS does not hold. A key of
this account describes; a key of another account describes only if that account shared it with this one (the
keys of a world's `rds.shared_snapshots` with `"KeyShared": true`), else AccessDeniedException, as KMS answers a
caller the key policy does not allow ("To allow users in other accounts to use the KMS key, ... the key policy
... must give the external account permission", KMS Developer Guide, Allowing users in other accounts to use a
KMS key). Every other KMS call goes to moto."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID

from simulator.faults import AwsError

Forward = Callable[[str, dict[str, Any]], dict[str, Any]]


class KmsSimulator:
    def __init__(self, region: str, shared_keys: Callable[[], set[str]]) -> None:
        self.region = region
        self._shared_keys = shared_keys

    def call(self, operation: str, params: dict[str, Any], forward: Forward) -> dict[str, Any]:
        if operation != "DescribeKey":
            return forward(operation, params)
        key = str(params["KeyId"])
        account = key.split(":")[4] if key.startswith("arn:") else DEFAULT_ACCOUNT_ID
        if account != DEFAULT_ACCOUNT_ID and key not in self._shared_keys():
            raise AwsError("AccessDeniedException", f"User is not authorized to perform: kms:DescribeKey on resource: "
                           f"{key} because no resource-based policy allows the kms:DescribeKey action")
        arn = key if key.startswith("arn:") else f"arn:aws:kms:{self.region}:{account}:key/{key}"
        managed = "alias/aws/" in arn
        return {"KeyMetadata": {"KeyId": arn.rsplit("/", 1)[-1], "Arn": arn, "AWSAccountId": account,
                                "KeyManager": "AWS" if managed else "CUSTOMER", "KeyState": "Enabled",
                                "Enabled": True}}
