"""Credentials as people have them (operate.accounts): a profile that assumes a role with an MFA code, through
botocore's own assume-role provider (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html:
`role_arn`, `source_profile`, `mfa_serial`, `duration_seconds`), against moto's STS; and the one-line errors
when there are none, or the profile does not exist."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest

import operate.cli
from operate.accounts import AccountError, ask_mfa_code, session
from simulator.aws import SimulatedAWS
from simulator.cli import main
from simulator.clock import VirtualClock
from tests.operate.conftest import WORLD

MFA = "arn:aws:iam::123456789012:mfa/alice"
ROLE = "arn:aws:iam::123456789012:role/mitosis-operator"
CONFIG = f"""[profile base]
region = us-west-2

[profile operator]
role_arn = {ROLE}
source_profile = base
mfa_serial = {MFA}
duration_seconds = 14400
region = us-west-2
"""
CREDENTIALS = """[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A person's ~/.aws (config and credentials files), and nothing else to find credentials in: no
    environment credentials, no instance metadata."""
    (tmp_path / "config").write_text(CONFIG)
    (tmp_path / "credentials").write_text(CREDENTIALS)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                 "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("HOME", str(tmp_path))  # the assumed role's credentials are cached under ~/.aws/cli/cache
    return tmp_path


@pytest.fixture
def account(aws_files: Path) -> Iterator[SimulatedAWS]:
    """The example world in moto (STS included); the environment keeps no credentials of moto's."""
    with SimulatedAWS(copy.deepcopy(WORLD), clock=VirtualClock()) as aws, pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            patch.delenv(name, raising=False)
        yield aws


class Prompter:
    def __init__(self, answer: str = "123456") -> None:
        self.answer = answer
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answer


def test_a_role_profile_with_mfa_asks_the_code_once_and_assumes_the_role(account: SimulatedAWS) -> None:
    prompter = Prompter()
    made = session("operator", None, prompter, cache=None)
    assert made.region_name == "us-west-2"
    assert prompter.prompts == []  # nothing is asked before AWS is called
    identity = made.client("sts").get_caller_identity()
    made.client("rds").describe_db_instances()
    # botocore's provider asked through our prompter, once, naming the MFA device, and the calls are the role's
    assert prompter.prompts == [f"Enter MFA code for {MFA}: "]
    assert ":assumed-role/mitosis-operator/" in identity["Arn"]


def test_the_cli_plans_through_a_role_profile_and_caches_its_credentials(
        account: SimulatedAWS, aws_files: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    prompter = Prompter()
    monkeypatch.setattr(operate.cli, "ENVIRONMENT", operate.cli.Environment(prompter=prompter))
    args = ["plan", "--profile", "operator", "--source", "mitosis-prod", "--target", "mitosis-demo"]
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("Flight plan: refresh mitosis-demo from mitosis-prod")
    assert main(args) == 0  # the role's credentials were cached where the AWS CLI keeps them: no second code
    assert prompter.prompts == [f"Enter MFA code for {MFA}: "]
    assert list((aws_files / ".aws" / "cli" / "cache").glob("*.json"))


def test_an_mfa_code_is_six_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: " 123456\n")
    assert ask_mfa_code("code: ") == "123456"
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: "12345a")
    with pytest.raises(AccountError, match="an MFA code is six digits"):
        ask_mfa_code("code: ")


@pytest.mark.parametrize(("args", "message"), [
    (["plan", "--profile", "nobody", "--source", "mitosis-prod", "--target", "mitosis-demo"],
     "mitosis: error: no AWS profile named 'nobody' (profiles are in "),
    (["start", "demo"], "mitosis: error: no AWS region: pass --region, set AWS_REGION, or give the profile a region"),
    (["start", "demo", "--region", "us-west-2"],
     "mitosis: error: no AWS credentials: pass --profile, or set AWS_PROFILE (or AWS_ACCESS_KEY_ID and "
     "AWS_SECRET_ACCESS_KEY)"),
    (["plan", "--region", "us-west-2", "--source", "mitosis-prod", "--target", "mitosis-demo"],
     "mitosis: error: no AWS credentials: pass --profile"),
])
def test_without_credentials_a_command_says_so_in_one_line(
        aws_files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str],
        message: str) -> None:
    (aws_files / "credentials").write_text("")  # no keys anywhere
    (aws_files / "config").write_text("")
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(message)
    assert len(captured.err.strip().splitlines()) == 1
