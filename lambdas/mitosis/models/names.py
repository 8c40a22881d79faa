"""Names the workflow gives things, and the tags it puts on what it creates and retires.

Every identifier the planner makes comes from here, so the rules RDS sets for identifiers are checked in one
place (and property-tested in tests/unit/test_names.py), and the infrastructure scopes IAM with the same
prefixes the workflow uses.
"""

from __future__ import annotations

import re

TEMP_PREFIX = "temp-"  # a copy, until it takes its name
OLD_PREFIX = "old-"  # an instance the refresh retired, until it is deleted
FINAL_SNAPSHOT_INFIX = "-final-"  # <target>-final-<generation>: the old primary's final snapshot

# RDS DB instance identifiers: "1 to 63 letters, numbers, or hyphens. First character must be a letter. Can't
# end with a hyphen or contain two consecutive hyphens" (botocore rds service model,
# CreateDBInstance.DBInstanceIdentifier). Snapshot identifiers follow the same rules with 1 to 255 characters
# (CreateDBSnapshot.DBSnapshotIdentifier).
MAX_IDENTIFIER_LENGTH = 63
MAX_SNAPSHOT_IDENTIFIER_LENGTH = 255
MAX_GENERATION_LENGTH = 40

# Tags the workflow puts on what it creates and retires, so a later run recognises them (and never touches an
# instance it does not own). A copy keeps its tags after the refresh: its generation tells it apart from the
# copies of a later refresh.
TAG_TARGET = "stack-mitosis:target"  # the refresh job's target
TAG_NAME = "stack-mitosis:name"  # the name of the target tree the instance holds, or will hold
TAG_SOURCE = "stack-mitosis:source"  # copies: whose data they hold
TAG_GENERATION = "stack-mitosis:generation"  # copies: the run that started the refresh that made them
TAG_REPLACED_BY = "stack-mitosis:replaced-by"  # retired instances: the generation that replaced them
TAG_PROTECTED = "stack-mitosis:deletion-protection"  # retired instances: their protection before retirement


def is_identifier(value: str, max_length: int = MAX_IDENTIFIER_LENGTH) -> bool:
    """Whether RDS accepts `value` as an instance (or, with 255, a snapshot) identifier."""
    return (0 < len(value) <= max_length and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", value) is not None
            and "--" not in value and not value.endswith("-"))


def temp_name(name: str) -> str:
    return TEMP_PREFIX + name


def old_name(name: str) -> str:
    return OLD_PREFIX + name


def final_snapshot_prefix(target: str) -> str:
    return f"{target}{FINAL_SNAPSHOT_INFIX}"


def final_snapshot_name(target: str, generation: str) -> str:
    return final_snapshot_prefix(target) + generation


def source_copy_prefix(target: str) -> str:
    """<target>-source-<generation>: a copy of the snapshot a restore reads, deleted once the refresh is done."""
    return f"{target}-source-"


def generation_id(run_name: str) -> str:
    """A run's generation: a tag value and the end of a snapshot identifier, so letters, digits and single
    hyphens, at most 40 characters, starting with a letter and not ending with a hyphen (an execution name
    may be anything Step Functions allows: up to 80 characters of almost any kind)."""
    cleaned = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9]", "-", run_name)).lower()
    cleaned = cleaned[:MAX_GENERATION_LENGTH].strip("-")
    return cleaned if cleaned[:1].isalpha() else f"run-{cleaned}"[:MAX_GENERATION_LENGTH].strip("-")
