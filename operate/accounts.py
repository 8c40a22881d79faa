"""Credentials as a person has them: AWS profiles (~/.aws/config and credentials, AWS_PROFILE), including a role
assumed with an MFA code, as the original's role.edn did; and AWS's errors as one line each.

A profile with `role_arn`, `source_profile` (or `credential_source`) and `mfa_serial` makes botocore's own
assume-role provider ask for the MFA code (the prompter below) and call STS AssumeRole; `duration_seconds` in the
profile sets how long the credentials last (the original asked for 4 hours). The assumed role's credentials are
cached where the AWS CLI caches them (~/.aws/cli/cache), so the code is asked once per session, not per command.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    ProfileNotFound,
)
from botocore.utils import JSONFileCache
from mitosis.errors import MitosisError

Prompter = Callable[[str], str]
CREDENTIAL_CACHE = Path("~/.aws/cli/cache")


class AccountError(Exception):
    """Something about the account or the command's arguments a person must fix: one line, exit code 2."""


def ask_mfa_code(prompt: str) -> str:
    """The MFA code, typed by the person (not echoed); six digits, as the original required."""
    code = getpass.getpass(prompt, stream=sys.stderr).strip()
    if not re.fullmatch(r"[0-9]{6}", code):
        raise AccountError("an MFA code is six digits")
    return code


def session(profile: str | None, region: str | None, prompter: Prompter = ask_mfa_code,
            cache: Path | None = CREDENTIAL_CACHE) -> boto3.Session:
    """A session for the profile (AWS_PROFILE or the default chain without one) in the region (the profile's,
    or AWS_REGION, without one)."""
    try:
        made = boto3.Session(profile_name=profile, region_name=region)
    except ProfileNotFound:
        config = os.environ.get("AWS_CONFIG_FILE", "~/.aws/config")
        raise AccountError(f"no AWS profile named {profile!r} (profiles are in {config})") from None
    if made.region_name is None:
        raise AccountError("no AWS region: pass --region, set AWS_REGION, or give the profile a region")
    # botocore's assume-role provider asks for an MFA code with getpass, unchecked: ask through `prompter`, and
    # keep the role's credentials where the AWS CLI keeps them. (`_prompter` is the provider's attribute for
    # it; botocore offers no other way to set it on a session.)
    provider = made._session.get_component("credential_provider").get_provider("assume-role")
    provider._prompter = prompter
    if cache is not None:
        provider.cache = JSONFileCache(str(cache.expanduser()))
    return made


@contextlib.contextmanager
def aws_errors(region: str | None = None) -> Iterator[None]:
    """AWS's errors, as a line a person can act on (AccountError)."""
    try:
        yield
    except NoCredentialsError:
        raise AccountError("no AWS credentials: pass --profile, or set AWS_PROFILE (or AWS_ACCESS_KEY_ID and "
                           "AWS_SECRET_ACCESS_KEY)") from None
    except NoRegionError:
        raise AccountError("no AWS region: pass --region, set AWS_REGION, or give the profile a region") from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Error")
        message = error.response.get("Error", {}).get("Message", str(error))
        operation = getattr(error, "operation_name", "")
        if code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired"):
            raise AccountError(f"the AWS credentials have expired ({code}): sign in again") from None
        raise AccountError(f"AWS refused {operation}: {code}: {message}") from None
    except (ParamValidationError, BotoCoreError) as error:
        raise AccountError(" ".join(str(error).split())) from None
    except MitosisError as error:  # the adapters' translation of AWS errors (mitosis.adapters.aws)
        if isinstance(error.__cause__, ClientError):
            cause = error.__cause__
            code = cause.response.get("Error", {}).get("Code", type(error).__name__)
            raise AccountError(f"AWS refused {cause.operation_name}: {code}: "
                               f"{cause.response.get('Error', {}).get('Message', '')}") from None
        raise
