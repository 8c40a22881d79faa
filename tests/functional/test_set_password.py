"""Set master password: the copy (an Aurora clone: its cluster) gets the password from the declared secret before the
swap. The value goes to RDS only: never returned, never logged; every log line says which execution and target it
belongs to."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from mitosis.errors import MitosisError
from mitosis.handlers import set_password

from tests.functional.conftest import (
    EXECUTION,
    REGION,
    CreateInstance,
    FakeLambdaContext,
    Json,
    Logs,
    Requests,
    Stub,
    envelope,
)

PASSWORD = "Zq7-staging-only-Kx2"
SET = {"DBInstanceIdentifier": "temp-staging", "action": "password set"}


@pytest.fixture
def secret(aws: None) -> Any:
    """store(value) -> the ARN of a Secrets Manager secret holding `value`."""
    client = boto3.client("secretsmanager", region_name=REGION)

    def store(value: str, name: str = "staging-master-password") -> str:
        return str(client.create_secret(Name=name, SecretString=value)["ARN"])

    return store


def change(secret_arn: str) -> Json:
    return {"DBInstanceIdentifier": "temp-staging", "secret_arn": secret_arn,
            "expect": {"DBInstanceIdentifier": "temp-staging", "settled": ["MasterUserPassword"]}}


@pytest.mark.parametrize("value", [
    pytest.param(PASSWORD, id="plain-string"),
    pytest.param(json.dumps({"username": "admin", "password": PASSWORD}), id="json-with-password-key"),
])
def test_set_password_gives_the_copy_the_secret_s_password(context: FakeLambdaContext,
                                                           create_instance: CreateInstance, secret: Any,
                                                           rds_requests: Requests, value: str) -> None:
    # Given the copy, and a secret holding the password as a string or as JSON with a "password" key (the shape RDS
    # and Secrets Manager's rotation templates use)
    create_instance("temp-staging")
    requests = rds_requests(set_password)
    # When Set master password runs
    result = set_password.handler(envelope(change(secret(value))), context)
    # Then the copy's master password is the secret's, applied at once
    assert result == SET
    assert requests == [("ModifyDBInstance", {"DBInstanceIdentifier": "temp-staging", "MasterUserPassword": PASSWORD,
                                              "ApplyImmediately": True})]


def test_set_password_never_returns_or_logs_the_password(context: FakeLambdaContext,
                                                         create_instance: CreateInstance, secret: Any, logs: Logs,
                                                         capfd: pytest.CaptureFixture[str]) -> None:
    # Given the copy and the secret
    create_instance("temp-staging")
    arn = secret(json.dumps({"password": PASSWORD}))
    # When Set master password runs
    result = set_password.handler(envelope(change(arn)), context)
    # Then the password is in neither the result nor anything written to stdout or stderr
    assert PASSWORD not in json.dumps(result)
    lines = logs()
    assert lines, "the handler logs its outcome"
    assert PASSWORD not in json.dumps(lines)
    printed = capfd.readouterr()
    assert PASSWORD not in printed.out + printed.err


def test_set_password_refused_by_rds_does_not_reveal_the_password(context: FakeLambdaContext, stub: Stub,
                                                                  secret: Any, logs: Logs) -> None:
    # Given RDS refuses the secret's value as a master password
    arn = secret(PASSWORD)
    stub(set_password, "rds").add_client_error(
        "modify_db_instance", service_error_code="InvalidParameterValue", http_status_code=400,
        service_message="The parameter MasterUserPassword is not a valid password. Only printable ASCII characters "
                        "besides '/', '@', '\"', ' ' may be used.",
        expected_params={"DBInstanceIdentifier": "temp-staging", "MasterUserPassword": PASSWORD,
                         "ApplyImmediately": True})
    # When Set master password runs
    with pytest.raises(MitosisError) as raised:
        set_password.handler(envelope(change(arn)), context)
    # Then the error (which Lambda logs and Step Functions shows) is RDS's, without the value, and no log line has it
    assert type(raised.value).__name__ == "InvalidParameterValue"
    assert PASSWORD not in str(raised.value)
    assert PASSWORD not in json.dumps(logs())


def test_every_log_line_carries_the_execution_and_target_of_its_invocation(context: FakeLambdaContext,
                                                                           create_instance: CreateInstance,
                                                                           secret: Any, logs: Logs) -> None:
    # Given two copies, each with its secret
    create_instance("temp-staging")
    create_instance("temp-other")
    staging, other = secret(PASSWORD), secret(PASSWORD, name="other-master-password")
    # When Set master password runs for one refresh, then for another
    set_password.handler(envelope(change(staging)), context)
    first = logs()
    set_password.handler(envelope({**change(other), "DBInstanceIdentifier": "temp-other"}, target="other",
                                  execution="other-run"), context)
    second = logs()[len(first):]
    # Then every line of each invocation says which execution and target it works for (the keys follow each
    # envelope: the logger is shared by the invocations of a warm function)
    assert first and second
    assert all((line["execution"], line["target"]) == (EXECUTION, "staging") for line in first)
    assert all((line["execution"], line["target"]) == ("other-run", "other") for line in second)
    # And the outcome is logged, naming the instance and what was done
    assert {"DBInstanceIdentifier": "temp-other", "action": "password set"} in [line.get("result") for line in second]


def test_set_password_sets_an_aurora_clone_s_master_password(context: FakeLambdaContext, create_cluster: Any,
                                                             secret: Any, rds_requests: Requests) -> None:
    # Given the clone, and the declared secret
    create_cluster("temp-staging")
    arn = secret(PASSWORD)
    requests = rds_requests(set_password)
    # When Set master password runs for the clone
    result = set_password.handler(envelope({"DBClusterIdentifier": "temp-staging", "secret_arn": arn, "expect": {
        "DBClusterIdentifier": "temp-staging", "settled": ["MasterUserPassword"]}}), context)
    # Then the cluster's password is the secret's (ModifyDBCluster), and the result does not carry it
    assert result == {"DBClusterIdentifier": "temp-staging", "action": "password set"}
    assert requests == [("ModifyDBCluster", {"DBClusterIdentifier": "temp-staging", "MasterUserPassword": PASSWORD,
                                             "ApplyImmediately": True})]
    assert PASSWORD not in json.dumps(result)
