"""Least privilege, proven offline: each function's role allows the calls it makes, no more, and never a change
to production.

The simulated AWS refuses every call its function's synthesized role does not allow (simulator.iam): each
scenario below must refresh with nothing denied. The template of the same deployment (`simulated_context`) then
shows which grants no recorded call used. The denial checks evaluate calls the workflow never makes against
every function's policy.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from mitosis.models import TAG_TARGET

from infrastructure.settings import cdk_json_context
from simulator.deployment import ACCOUNT_ID, simulated_context, synthesize
from simulator.iam import Statement, UnmappedCall, authorizations, decide, evaluate, policy_of
from simulator.runner import Simulation, function_policies
from tests.workflow.conftest import EXAMPLES, simulate, tree_world
from tests.workflow.test_clone_methods import FROM_SHARED, OTHER_VPC, POINT_IN_TIME, SHARED
from tests.workflow.test_real_account import MYSQL_TREE, REFRESH

EXAMPLE_WORLD: dict[str, Any] = json.loads((EXAMPLES / "world-example.json").read_text())
EXAMPLE_INPUT: dict[str, Any] = json.loads((EXAMPLES / "input-example.json").read_text())
AURORA_WORLD: dict[str, Any] = json.loads((EXAMPLES / "world-aurora.json").read_text())
AURORA_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-staging-master"
# Two refreshes one after the other, keeping one final snapshot: the second prunes the first's (a cluster's).
AURORA_INPUT: dict[str, Any] = {**json.loads((EXAMPLES / "input-aurora.json").read_text()),
                                "master_password": {"secret_arn": AURORA_SECRET}, "keep_final_snapshots": 1}
SSM_RESTART = {"type": "ssm", "document": "AWS-RunShellScript",
               "targets": [{"Key": "tag:app", "Values": ["mitosis-demo"]}],
               "parameters": {"commands": ["systemctl restart app"]}}
TREE_EDGES = {"staging-a": "staging", "staging-d": "staging", "staging-b": "staging-a", "staging-c": "staging-b"}
# Final snapshots of earlier refreshes, so this one prunes the oldest (it keeps 2 by default).
EARLIER_SNAPSHOTS = [{"DBSnapshotIdentifier": f"mitosis-demo-final-earlier-{n}", "DBInstanceIdentifier": "mitosis-demo"}
                     for n in (1, 2)]
# Faults of the fault matrix (tests/workflow/test_fault_matrix.py) that make the first execution fail, so the
# recovery functions run: Discard on the re-run, Restore in the rollback of the swap.
CLONE_FAILS = {"operation": "rds:status", "match": {"DBInstanceIdentifier": "temp-mitosis-demo"},
               "status": "incompatible-parameters", "attempts": [1]}
INSTALL_REPLICA_REFUSED = {"operation": "rds:ModifyDBInstance",
                           "match": {"DBInstanceIdentifier": "temp-mitosis-demo-replica"},
                           "error": "InvalidParameterCombination", "times": -1, "attempts": [1]}
# The installed (so protected) copy the rollback renames back to temp- fails there: the re-run discards it,
# lifting its protection first.
UNINSTALLED_COPY_FAILS = {"operation": "rds:status", "match": {"NewDBInstanceIdentifier": "temp-mitosis-demo"},
                          "status": "incompatible-parameters", "attempts": [1]}
# The primary's copy fails once it holds the name: the rollback deletes it (the conditional grant).
INSTALLED_COPY_FAILS = {**CLONE_FAILS, "after": 2}
# An Aurora clone that fails (re-run: Discard deletes it), and an instance of the clone that cannot be renamed into
# place (the rollback renames the clusters back).
AURORA_CLONE_FAILS = {"operation": "rds:status", "status": "cloning-failed", "attempts": [1],
                      "match": {"DBClusterIdentifier": "temp-shop-staging", "RestoreType": "copy-on-write"}}
AURORA_INSTALL_REFUSED = {"operation": "rds:ModifyDBInstance", "match": {"NewDBInstanceIdentifier": "shop-staging-1"},
                          "error": "InvalidParameterCombination", "times": -1, "attempts": [1]}
# name -> (world, execution input, Simulation options)
SCENARIOS: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "ecs restart": (EXAMPLE_WORLD, EXAMPLE_INPUT, {}),
    "ssm restart, earlier snapshots": (
        {**EXAMPLE_WORLD, "rds": {**EXAMPLE_WORLD["rds"], "snapshots": EARLIER_SNAPSHOTS}},
        {**EXAMPLE_INPUT, "restart": SSM_RESTART}, {}),
    "dry run": (EXAMPLE_WORLD, {**EXAMPLE_INPUT, "dry_run": True}, {}),
    "deeper tree": (tree_world(TREE_EDGES), {"source": "production", "target": "staging"}, {}),
    "customer keys, monitoring, a replica's own parameter group": (MYSQL_TREE, REFRESH, {}),
    "a target in another VPC: point-in-time restore": (OTHER_VPC, POINT_IN_TIME, {}),
    "a snapshot another account shares, copied with the target's key": (SHARED, FROM_SHARED, {}),
    "re-run discards a failed clone": (EXAMPLE_WORLD, EXAMPLE_INPUT, {"faults": [CLONE_FAILS], "attempts": 2}),
    "rollback renames back, re-run discards a protected copy": (
        EXAMPLE_WORLD, EXAMPLE_INPUT, {"faults": [INSTALL_REPLICA_REFUSED, UNINSTALLED_COPY_FAILS], "attempts": 2}),
    "rollback deletes a failed copy that holds the name": (
        EXAMPLE_WORLD, EXAMPLE_INPUT, {"faults": [INSTALLED_COPY_FAILS], "attempts": 2}),
    "aurora: clone, instances, password, swap, twice (the second prunes)": (AURORA_WORLD, AURORA_INPUT, {"runs": 2}),
    "aurora: re-run discards a failed clone": (
        AURORA_WORLD, AURORA_INPUT, {"faults": [AURORA_CLONE_FAILS], "attempts": 2}),
    "aurora: rollback renames the clusters back": (
        AURORA_WORLD, AURORA_INPUT, {"faults": [AURORA_INSTALL_REFUSED], "attempts": 2}),
}
# The actions of the explicit Deny (infrastructure.functions.MUTATING_RDS_ACTIONS) that the production probes
# need on production's ARNs.
DENIED_ON_PRODUCTION = {"rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:PromoteReadReplica",
                        "rds:RebootDBInstance", "rds:AddTagsToResource"}
WIDE_OPEN: Statement = {"Effect": "Allow", "Action": "rds:*", "Resource": "*"}
# Functions with grants that no scenario runs (they make no recorded call), and why.
NOT_REPLAYED: dict[str, str] = {}
# Grants of replayed functions that no replayed call uses, each with the reason it stays (patterns as
# `normalized` writes them).
JUSTIFIED_UNUSED = {
    ("Describe", "rds:ListTagsForResource", "*"):
        "the fallback for an instance DescribeDBInstances lists without its TagList (moto always includes it)",
    ("Clone", "rds:RestoreDBInstanceFromDBSnapshot", "arn:aws:rds:<region>:210987654321:snapshot:<source>-weekly"):
        "the declared shared snapshot is restored directly when it is unencrypted; encrypted, its copy is",
    ("Discard", "rds:ModifyDBInstance", "arn:aws:rds:<region>:<account>:db:temp-<target>"):
        "lifts the protection of a copy that held the name, was protected and was moved back to temp- by a "
        "rollback after a failed restart, when a later run finds it stale",
    ("Discard", "rds:ModifyDBInstance", "arn:aws:rds:<region>:<account>:db:temp-<target>-*"): "as for the primary",
    ("Discard", "rds:ModifyDBCluster", "arn:aws:rds:<region>:<account>:cluster:temp-<target>"):
        "as for an instance: an Aurora copy that held the name and was protected",
    ("SetPassword", "secretsmanager:GetSecretValue",
     "arn:aws:secretsmanager:<region>:<account>:secret:<target>-master"):
        "a secret declared by its full ARN (its six random characters included) is read by this one; the scenario "
        "declares it by name, read with `-??????`",
    ("SetPassword", "kms:Decrypt", "arn:aws:kms:<region>:<account>:key/*"):
        "only for a secret encrypted with a customer managed key; the scenario's uses Secrets Manager's own key",
    ("Reboot", "rds:RebootDBInstance", "arn:aws:rds:<region>:<account>:db:temp-<target>"):
        "the copy of the primary is rebooted only when its promote did not put its new parameter group in effect "
        "(undocumented; the simulated promote does)",
    ("Restore", "rds:DeleteDBInstance", "arn:aws:rds:<region>:<account>:db:<target>-*"):
        "as for the primary: a replica's copy that failed once it held the name",
    ("WaitRestart", "ssm:ListCommands", "*"):
        "read only while a command has no invocation: a command that ended without any reached no node",
}


@dataclass(frozen=True)
class Replay:
    """One simulated refresh: the calls its functions made (the Notify function's when each execution ended too),
    and the deployment's template."""

    region: str
    source: str
    target: str
    template: dict[str, Any]
    calls: list[dict[str, Any]]

    def policies(self) -> dict[str, list[Statement]]:
        return policies_of(self.template, self.region)


def policies_of(template: dict[str, Any], region: str) -> dict[str, list[Statement]]:
    """Each function's statements, by logical id."""
    return {logical_id: policy_of(template, logical_id, region)
            for logical_id, resource in template["Resources"].items() if resource["Type"] == "AWS::Lambda::Function"}


@functools.cache
def replay(scenario: str) -> Replay:
    world, execution_input, options = SCENARIOS[scenario]
    report = simulate(world, execution_input, **options)
    assert report["iam_enforced"] is True and report["denied"] == [], report["denied"]
    assert report["status"] == "SUCCEEDED", report["attempts"][-1].get("cause")
    # A scenario with faults runs the recovery only if its first execution failed.
    expected = options.get("attempts", 1) * options.get("runs", 1)
    assert len(report["attempts"]) == expected, [a.get("cause") for a in report["attempts"]]
    # The runner synthesizes the same context: the template is the cached one the simulation ran.
    template = synthesize(simulated_context(execution_input, cdk_json_context()))
    return Replay(region=world["region"], source=execution_input["source"], target=execution_input["target"],
                  template=template, calls=report["calls"] + report["notification_calls"])


def example_policies() -> tuple[str, dict[str, list[Statement]]]:
    """The example deployment's policies, without running a simulation."""
    region = EXAMPLE_WORLD["region"]
    return region, policies_of(synthesize(simulated_context(EXAMPLE_INPUT, cdk_json_context())), region)


def aurora_policies() -> tuple[str, dict[str, list[Statement]]]:
    """The Aurora example deployment's policies (a job that declares aurora)."""
    region = AURORA_WORLD["region"]
    return region, policies_of(synthesize(simulated_context(AURORA_INPUT, cdk_json_context())), region)


def short(logical_id: str) -> str:
    """`FunctionsCloneFunctionBA7E208E` -> `Clone`."""
    match = re.fullmatch(r"Functions(\w+?)Function[0-9A-F]{8}", logical_id)
    return match.group(1) if match else logical_id


def unauthorized(calls: list[dict[str, Any]], policies: dict[str, list[Statement]], region: str) -> list[str]:
    """One line per (action, resource) a recorded call needs that its function's policy does not allow (each
    line once: a wait state repeats its calls)."""
    return list(dict.fromkeys(
        f"{short(call['function'])} ({call['function']}): {call['operation']} needs {action} on {resource}, "
        f"which its policy does not allow ({decision})"
        for call in calls for action, resource, decision in decide(policies[call["function"]], call, region)
        if decision != "allow"))


def production_probes(source: str, target: str, region: str) -> list[dict[str, Any]]:
    """Changes to the source and to its replica the workflow never makes, with names its roles may use
    elsewhere in the request (a temp- name, the source as a replication source)."""
    probes: list[dict[str, Any]] = []
    for name in (source, f"{source}-replica"):
        arn = f"arn:aws:rds:{region}:{ACCOUNT_ID}:db:{name}"
        probes += [
            {"operation": "ModifyDBInstance", "params": {"DBInstanceIdentifier": name, "BackupRetentionPeriod": 0}},
            {"operation": "ModifyDBInstance",
             "params": {"DBInstanceIdentifier": name, "NewDBInstanceIdentifier": f"old-{target}"}},
            {"operation": "ModifyDBInstance",
             "params": {"DBInstanceIdentifier": name, "NewDBInstanceIdentifier": f"temp-{target}"}},
            {"operation": "DeleteDBInstance", "params": {"DBInstanceIdentifier": name, "SkipFinalSnapshot": True}},
            {"operation": "PromoteReadReplica", "params": {"DBInstanceIdentifier": name}},
            {"operation": "RebootDBInstance", "params": {"DBInstanceIdentifier": name}},
            {"operation": "AddTagsToResource", "params": {"ResourceName": arn, "Tags": [{"Key": "k", "Value": "v"}]}},
        ]
    return [{"service": "rds", **probe} for probe in probes]


def other_probes(source: str, target: str) -> list[dict[str, Any]]:
    """New instances named like production, production's name taken by a rename, and an unrelated instance."""
    probes = [
        {"operation": "CreateDBInstanceReadReplica",
         "params": {"DBInstanceIdentifier": f"{name}-copy", "SourceDBInstanceIdentifier": parent}}
        for name in (source, f"{source}-replica") for parent in (source, f"temp-{target}")
    ] + [
        {"operation": "ModifyDBInstance",
         "params": {"DBInstanceIdentifier": target, "NewDBInstanceIdentifier": source}},
        {"operation": "ModifyDBInstance",
         "params": {"DBInstanceIdentifier": "billing-db", "NewDBInstanceIdentifier": "old-billing-db"}},
        {"operation": "ModifyDBInstance",
         "params": {"DBInstanceIdentifier": "billing-db", "NewDBInstanceIdentifier": f"old-{target}"}},
        {"operation": "DeleteDBInstance", "params": {"DBInstanceIdentifier": "billing-db", "SkipFinalSnapshot": True}},
    ]
    return [{"service": "rds", **probe} for probe in probes]


def cluster_probes(source: str, target: str, region: str) -> list[dict[str, Any]]:
    """Changes to production's Aurora cluster and its instances the workflow never makes: with names its roles may
    use elsewhere in the request (the target's, temp- and old- names; production as a clone's source)."""
    arn = f"arn:aws:rds:{region}:{ACCOUNT_ID}:cluster:{source}"
    probes = [
        {"operation": "ModifyDBCluster", "params": {"DBClusterIdentifier": source, "BackupRetentionPeriod": 1}},
        *({"operation": "ModifyDBCluster",
           "params": {"DBClusterIdentifier": source, "NewDBClusterIdentifier": name, "ApplyImmediately": True}}
          for name in (target, f"old-{target}", f"temp-{target}")),
        {"operation": "DeleteDBCluster", "params": {"DBClusterIdentifier": source, "SkipFinalSnapshot": True}},
        {"operation": "CreateDBInstance", "params": {"DBInstanceIdentifier": f"temp-{target}-9",
                                                     "DBClusterIdentifier": source, "Engine": "aurora-postgresql",
                                                     "DBInstanceClass": "db.r6g.large"}},
        {"operation": "AddTagsToResource", "params": {"ResourceName": arn, "Tags": [{"Key": "k", "Value": "v"}]}},
        {"operation": "ModifyDBInstance", "params": {"DBInstanceIdentifier": f"{source}-1",
                                                     "NewDBInstanceIdentifier": f"old-{target}-1"}},
        {"operation": "DeleteDBInstance", "params": {"DBInstanceIdentifier": f"{source}-1", "SkipFinalSnapshot": True}},
    ]
    return [{"service": "rds", **probe} for probe in probes]


def allowed_probes(policies: dict[str, list[Statement]], probes: list[dict[str, Any]], region: str) -> list[str]:
    """One line per probe a function's policy allows (every one of its authorizations allowed)."""
    allowed = []
    for function, statements in policies.items():
        for probe in probes:
            if all(decision == "allow" for _, _, decision in decide(statements, probe, region)):
                allowed.append(f"{short(function)} may {probe['operation']} {probe['params']}")
    return allowed


def normalized(pattern: str, replay: Replay) -> str:
    """A resource pattern with the scenario's names replaced, so grants compare across scenarios."""
    for value, placeholder in ((replay.target, "<target>"), (replay.source, "<source>"),
                               (replay.region, "<region>"), (ACCOUNT_ID, "<account>")):
        pattern = pattern.replace(value, placeholder)
    return pattern


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- replay -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_recorded_call_is_allowed_by_its_functions_policy(scenario: str) -> None:
    replayed = replay(scenario)
    assert all(call["function"] for call in replayed.calls)
    # Failed calls too: AWS authorized them before they failed.
    problems = unauthorized(replayed.calls, replayed.policies(), replayed.region)
    assert not problems, "\n".join(problems)


def test_no_function_is_granted_what_no_replayed_call_uses() -> None:
    granted: set[tuple[str, str, str]] = set()
    used: set[tuple[str, str, str]] = set()
    callers: set[str] = set()
    for scenario in SCENARIOS:
        replayed = replay(scenario)
        policies = replayed.policies()
        needs = [(call["function"], pair.action, pair.resource) for call in replayed.calls
                 for pair in authorizations(call, replayed.region)]
        callers |= {short(function) for function, _, _ in needs}
        for function, statements in policies.items():
            for statement in statements:
                if statement["Effect"] != "Allow":  # the production Deny (NotAction)
                    continue
                actions = as_list(statement["Action"])
                # CloudWatch Logs and X-Ray are the Lambda runtime's (AWSLambdaBasicExecutionRole, active
                # tracing), not the handlers'.
                if all(action.startswith(("logs:", "xray:")) for action in actions):
                    continue
                for action in actions:
                    for pattern in as_list(statement["Resource"]):
                        grant = (short(function), action, normalized(pattern, replayed))
                        granted.add(grant)
                        single = [{"Effect": "Allow", "Action": action, "Resource": pattern}]
                        if any(f == function and evaluate(single, a, r) == "allow" for f, a, r in needs):
                            used.add(grant)
    # A function no scenario runs proves nothing either way: it must be listed, so a new one is not missed.
    not_replayed = {function for function, _, _ in granted} - callers
    assert not_replayed == set(NOT_REPLAYED), f"functions with grants that no scenario runs: {sorted(not_replayed)}"
    unused = {grant for grant in granted - used if grant[0] in callers} - set(JUSTIFIED_UNUSED)
    assert not unused, "granted, but no replayed call needs it:\n" + "\n".join(map(str, sorted(unused)))


def test_a_call_its_function_has_no_statement_for_fails_with_a_readable_message() -> None:
    region, policies = example_policies()
    describe = next(f for f in policies if short(f) == "Describe")
    call = {"service": "rds", "operation": "DeleteDBInstance", "function": describe,
            "params": {"DBInstanceIdentifier": "old-mitosis-demo", "SkipFinalSnapshot": True}}
    assert unauthorized([call], policies, region) == [
        f"Describe ({describe}): DeleteDBInstance needs rds:DeleteDBInstance on "
        f"arn:aws:rds:{region}:{ACCOUNT_ID}:db:old-mitosis-demo, which its policy does not allow (implicit-deny)"]


# --- denial -------------------------------------------------------------------------------------------------

def test_no_function_may_change_production_or_an_unrelated_instance() -> None:
    region, policies = example_policies()
    probes = production_probes("mitosis-prod", "mitosis-demo", region) + other_probes("mitosis-prod", "mitosis-demo")
    assert len(policies) >= 12
    allowed = allowed_probes(policies, probes, region)
    assert not allowed, "\n".join(allowed)


def test_no_function_may_change_productions_aurora_cluster_or_its_instances() -> None:
    region, policies = aurora_policies()
    probes = cluster_probes("shop-prod", "shop-staging", region)
    tagged = tagged_for("shop-staging", probes, region)
    assert not allowed_probes(policies, probes + tagged, region)
    # and the explicit Deny, not the absence of an Allow, is what refuses a change of production's cluster
    for function, statements in policies.items():
        widened = [*statements, WIDE_OPEN]
        for probe in probes:
            on_production = [decision for _, resource, decision in decide(widened, probe, region)
                             if re.search(r":(cluster|db):shop-prod(-1)?$", resource)]
            assert on_production and set(on_production) == {"deny"}, (short(function), probe)


def tagged_for(target: str, probes: list[dict[str, Any]], region: str) -> list[dict[str, Any]]:
    """The probes, with every resource they name carrying the workflow's tag for `target`, as a copy does."""
    return [{**probe, "resource_tags": {pair.resource: {TAG_TARGET: target}
                                        for pair in authorizations(probe, region)}} for probe in probes]


def test_the_workflows_tag_does_not_open_production_or_an_unrelated_instance() -> None:
    # Restore may delete an instance under a target's names only if it carries the workflow's tag for that target:
    # an instance outside the target's names, production above all, is not opened by carrying it.
    region, policies = example_policies()
    probes = production_probes("mitosis-prod", "mitosis-demo", region) + other_probes("mitosis-prod", "mitosis-demo")
    allowed = allowed_probes(policies, tagged_for("mitosis-demo", probes, region), region)
    assert not allowed, "\n".join(allowed)


@pytest.mark.parametrize(("name", "tags", "expected"), [
    pytest.param("mitosis-demo", {TAG_TARGET: "mitosis-demo"}, "allow", id="copy-under-the-name"),
    pytest.param("mitosis-demo-replica", {TAG_TARGET: "mitosis-demo", "env": "demo"}, "allow", id="replica-name"),
    pytest.param("mitosis-demo", {}, "implicit-deny", id="untagged"),
    pytest.param("mitosis-demo", {TAG_TARGET: "other-demo"}, "implicit-deny", id="tagged-for-another-target"),
    pytest.param("mitosis-demo", {"stack-mitosis:TARGET": "mitosis-demo"}, "implicit-deny", id="another-tag"),
    pytest.param("billing-db", {TAG_TARGET: "mitosis-demo"}, "implicit-deny", id="outside-the-targets-names"),
    pytest.param("mitosis-prod", {TAG_TARGET: "mitosis-demo"}, "deny", id="production"),
])
def test_restore_may_delete_an_instance_only_when_it_carries_the_workflows_tag_for_its_target(
        name: str, tags: dict[str, str], expected: str) -> None:
    region, policies = example_policies()
    restore = next(f for f in policies if short(f) == "Restore")
    arn = f"arn:aws:rds:{region}:{ACCOUNT_ID}:db:{name}"
    call = {"service": "rds", "operation": "DeleteDBInstance", "function": restore,
            "params": {"DBInstanceIdentifier": name, "SkipFinalSnapshot": True}, "resource_tags": {arn: tags}}
    assert decide(policies[restore], call, region) == [("rds:DeleteDBInstance", arn, expected)]


def test_production_stays_denied_when_a_role_is_widened_to_every_rds_action() -> None:
    region, policies = example_policies()
    for function, statements in policies.items():
        widened = [*statements, WIDE_OPEN]
        for probe in production_probes("mitosis-prod", "mitosis-demo", region):
            on_production = [(action, decision) for action, resource, decision in decide(widened, probe, region)
                             if re.search(r":db:mitosis-prod(-replica)?$", resource)]
            assert on_production and {action for action, _ in on_production} <= DENIED_ON_PRODUCTION, probe
            # The explicit Deny, not the absence of an Allow, is what refuses it.
            assert all(decision == "deny" for _, decision in on_production), (short(function), probe)


def test_the_denial_check_fails_without_the_explicit_deny() -> None:
    region, policies = example_policies()
    widened = {function: [s for s in statements if s["Effect"] != "Deny"] + [WIDE_OPEN]
               for function, statements in policies.items()}
    probes = production_probes("mitosis-prod", "mitosis-demo", region)
    allowed = allowed_probes(widened, probes, region)
    assert len(allowed) == len(policies) * len(probes)
    assert any(line.startswith("Rename may DeleteDBInstance {'DBInstanceIdentifier': 'mitosis-prod',")
               for line in allowed)


# --- the evaluator ------------------------------------------------------------------------------------------

DB = "arn:aws:rds:us-west-2:123456789012:db:"


@pytest.mark.parametrize(("pattern", "action", "expected"), [
    ("rds:DescribeDBInstances", "rds:DescribeDBInstances", "allow"),
    ("RDS:describedbinstances", "rds:DescribeDBInstances", "allow"),  # actions ignore case
    ("rds:Describe*", "rds:DescribeDBInstances", "allow"),
    ("rds:*", "rds:DeleteDBInstance", "allow"),
    ("*", "ecs:UpdateService", "allow"),
    ("rds:Describe?BInstances", "rds:DescribeDBInstances", "allow"),
    ("rds:Describe?", "rds:DescribeDBInstances", "implicit-deny"),  # ? is one character
    ("rds:Describe*", "rds:DeleteDBInstance", "implicit-deny"),
    ("rds:DescribeDBInstances", "rds:DescribeDBInstancesX", "implicit-deny"),  # whole names only
])
def test_actions_match_with_wildcards_and_ignore_case(pattern: str, action: str, expected: str) -> None:
    assert evaluate([{"Effect": "Allow", "Action": pattern, "Resource": "*"}], action, f"{DB}a") == expected


@pytest.mark.parametrize(("pattern", "resource", "expected"), [
    (f"{DB}temp-staging*", f"{DB}temp-staging", "allow"),
    (f"{DB}temp-staging*", f"{DB}temp-staging-a", "allow"),
    (f"{DB}temp-staging*", f"{DB}staging", "implicit-deny"),
    (f"{DB}temp-staging*", f"{DB}TEMP-staging", "implicit-deny"),  # resources keep their case
    (f"{DB}staging-?", f"{DB}staging-a", "allow"),
    (f"{DB}staging-?", f"{DB}staging-ab", "implicit-deny"),
    ("arn:aws:rds:*:*:db:[ab]", f"{DB}a", "implicit-deny"),  # brackets are literal in IAM, unlike fnmatch
    ("arn:aws:rds:*:*:db:[ab]", f"{DB}[ab]", "allow"),
    ("*", "arn:aws:ssm:us-west-2::document/AWS-RunShellScript", "allow"),
])
def test_resources_match_with_wildcards(pattern: str, resource: str, expected: str) -> None:
    assert evaluate([{"Effect": "Allow", "Action": "rds:ModifyDBInstance", "Resource": [pattern]}],
                    "rds:ModifyDBInstance", resource) == expected


def test_an_explicit_deny_beats_any_allow_in_any_order() -> None:
    allow: Statement = {"Effect": "Allow", "Action": "rds:*", "Resource": "*"}
    deny: Statement = {"Effect": "Deny", "Action": ["rds:DeleteDBInstance"], "Resource": [f"{DB}prod", f"{DB}prod-*"]}
    for statements in ([allow, deny], [deny, allow]):
        assert evaluate(statements, "rds:DeleteDBInstance", f"{DB}prod-replica") == "deny"
        assert evaluate(statements, "rds:DeleteDBInstance", f"{DB}staging") == "allow"
    assert evaluate([], "rds:DeleteDBInstance", f"{DB}staging") == "implicit-deny"


def test_a_conditional_allow_does_not_count_and_a_conditional_deny_does() -> None:
    condition = {"StringEquals": {"aws:ResourceTag/env": "staging"}}
    allow = {"Effect": "Allow", "Action": "rds:*", "Resource": "*", "Condition": condition}
    deny = {"Effect": "Deny", "Action": "rds:*", "Resource": "*", "Condition": condition}
    assert evaluate([allow], "rds:DeleteDBInstance", f"{DB}staging") == "implicit-deny"
    assert evaluate([{**allow, "Condition": {}}, deny], "rds:DeleteDBInstance", f"{DB}staging") == "deny"


TARGET_TAG = "aws:ResourceTag/stack-mitosis:target"


@pytest.mark.parametrize(("condition", "context", "expected"), [
    ({"StringEquals": {TARGET_TAG: "staging"}}, {TARGET_TAG: "staging"}, "allow"),
    ({"StringEquals": {TARGET_TAG: ["other", "staging"]}}, {TARGET_TAG: "staging"}, "allow"),  # any value listed
    ({"StringEquals": {TARGET_TAG: "staging"}}, {TARGET_TAG: "Staging"}, "implicit-deny"),  # values are exact
    ({"StringEquals": {TARGET_TAG: "staging"}}, {TARGET_TAG: "staging-a"}, "implicit-deny"),
    ({"StringEquals": {TARGET_TAG: "staging"}}, {"aws:ResourceTag/env": "staging"}, "implicit-deny"),  # key absent
    ({"StringEquals": {TARGET_TAG: "staging"}}, None, "implicit-deny"),  # nothing supplied
    ({"StringEquals": {TARGET_TAG: "staging", "aws:ResourceTag/env": "dev"}}, {TARGET_TAG: "staging"},
     "implicit-deny"),  # every key must hold
    ({"StringEquals": {TARGET_TAG: "staging"}, "Bool": {"aws:SecureTransport": "true"}},
     {TARGET_TAG: "staging", "aws:SecureTransport": "true"}, "implicit-deny"),  # an operator not understood
    ({"StringLike": {TARGET_TAG: "stag*"}}, {TARGET_TAG: "staging"}, "allow"),  # IAM's wildcards
    ({"StringLike": {TARGET_TAG: "stag?"}}, {TARGET_TAG: "staging"}, "implicit-deny"),
    ({"StringNotEquals": {TARGET_TAG: "prod"}}, {TARGET_TAG: "staging"}, "implicit-deny"),  # not understood
    ({}, None, "allow"),  # an empty Condition is no condition
])
def test_a_conditional_allow_counts_only_when_the_request_supplies_what_it_tests(
        condition: dict[str, Any], context: dict[str, str] | None, expected: str) -> None:
    allow = {"Effect": "Allow", "Action": "rds:DeleteDBInstance", "Resource": f"{DB}staging*", "Condition": condition}
    assert evaluate([allow], "rds:DeleteDBInstance", f"{DB}staging", context) == expected


def test_a_conditional_deny_applies_even_when_the_request_does_not_meet_it() -> None:
    deny = {"Effect": "Deny", "Action": "rds:*", "Resource": "*",
            "Condition": {"StringEquals": {TARGET_TAG: "production"}}}
    allow = {"Effect": "Allow", "Action": "rds:*", "Resource": "*"}
    assert evaluate([allow, deny], "rds:DeleteDBInstance", f"{DB}staging", {TARGET_TAG: "staging"}) == "deny"


def test_a_calls_resource_tags_are_the_condition_keys_of_that_resource_only() -> None:
    allow = {"Effect": "Allow", "Action": "rds:ModifyDBInstance", "Resource": f"{DB}*",
             "Condition": {"StringEquals": {TARGET_TAG: "staging"}}}
    rename = {"service": "rds", "operation": "ModifyDBInstance",
              "params": {"DBInstanceIdentifier": "staging", "NewDBInstanceIdentifier": "temp-staging"},
              "resource_tags": {f"{DB}staging": {"stack-mitosis:target": "staging"}}}
    # the new name is no tagged instance yet: its check is not met
    assert decide([allow], rename, "us-west-2") == [("rds:ModifyDBInstance", f"{DB}staging", "allow"),
                                                     ("rds:ModifyDBInstance", f"{DB}temp-staging", "implicit-deny")]


def test_not_action_and_not_resource_match_everything_else() -> None:
    deny_but_reads = {"Effect": "Deny", "NotAction": ["rds:Describe*", "rds:List*"], "Resource": "*"}
    allow_but_prod = {"Effect": "Allow", "Action": "rds:*", "NotResource": f"{DB}prod*"}
    assert evaluate([allow_but_prod], "rds:DeleteDBInstance", f"{DB}prod") == "implicit-deny"
    assert evaluate([allow_but_prod], "rds:DeleteDBInstance", f"{DB}staging") == "allow"
    assert evaluate([allow_but_prod, deny_but_reads], "rds:DeleteDBInstance", f"{DB}staging") == "deny"
    assert evaluate([allow_but_prod, deny_but_reads], "rds:DescribeDBInstances", f"{DB}staging") == "allow"


# --- the call table -----------------------------------------------------------------------------------------

def needs(service: str, operation: str, params: dict[str, Any], **recorded: Any) -> list[tuple[str, str]]:
    call = {"service": service, "operation": operation, "params": params, **recorded}
    return [(pair.action, pair.resource) for pair in authorizations(call, "us-west-2", ACCOUNT_ID)]


def test_an_operation_nobody_mapped_fails_closed() -> None:
    with pytest.raises(UnmappedCall, match="rds StopDBInstance"):
        needs("rds", "StopDBInstance", {"DBInstanceIdentifier": "staging"})


def test_rds_calls_are_checked_on_every_instance_and_group_they_name() -> None:
    assert needs("rds", "DescribeDBInstances", {}) == [("rds:DescribeDBInstances", "*")]
    assert needs("rds", "CreateDBInstanceReadReplica", {
        "DBInstanceIdentifier": "temp-staging", "SourceDBInstanceIdentifier": "production",
        "DBParameterGroupName": "pg1", "OptionGroupName": "default:mysql-8-0", "Tags": [{"Key": "k", "Value": "v"}],
    }) == [("rds:CreateDBInstanceReadReplica", f"{DB}production"),
           ("rds:CreateDBInstanceReadReplica", f"{DB}temp-staging"),
           ("rds:CreateDBInstanceReadReplica", "arn:aws:rds:us-west-2:123456789012:pg:pg1"),
           ("rds:CreateDBInstanceReadReplica", "arn:aws:rds:us-west-2:123456789012:og:default:mysql-8-0"),
           ("rds:AddTagsToResource", f"{DB}temp-staging")]
    rename = {"DBInstanceIdentifier": "staging", "NewDBInstanceIdentifier": "old-staging"}
    assert needs("rds", "ModifyDBInstance", rename) == [
        ("rds:ModifyDBInstance", f"{DB}staging"), ("rds:ModifyDBInstance", f"{DB}old-staging")]
    snapshot = "arn:aws:rds:us-west-2:123456789012:snapshot:final-staging"
    assert needs("rds", "DeleteDBInstance", {"DBInstanceIdentifier": "old-staging",
                                             "FinalDBSnapshotIdentifier": "final-staging"}) == [
        ("rds:DeleteDBInstance", f"{DB}old-staging"), ("rds:CreateDBSnapshot", f"{DB}old-staging"),
        ("rds:CreateDBSnapshot", snapshot), ("rds:AddTagsToResource", snapshot)]
    assert needs("rds", "DeleteDBSnapshot", {"DBSnapshotIdentifier": "final-staging"}) == [
        ("rds:DeleteDBSnapshot", snapshot)]


def test_step_functions_calls_are_checked_on_the_state_machine_and_the_execution() -> None:
    machine = "arn:aws:states:us-west-2:123456789012:stateMachine:stack-mitosis-refresh"
    execution = "arn:aws:states:us-west-2:123456789012:execution:stack-mitosis-refresh:weekly"
    assert needs("stepfunctions", "ListExecutions", {"stateMachineArn": machine, "statusFilter": "RUNNING"}) == [
        ("states:ListExecutions", machine)]
    assert needs("stepfunctions", "DescribeExecution", {"executionArn": execution}) == [
        ("states:DescribeExecution", execution)]
    with pytest.raises(UnmappedCall, match="ListExecutions"):
        needs("stepfunctions", "ListExecutions", {"mapRunArn": f"{machine}/map:run"})


def test_ssm_and_ecs_calls_are_checked_on_their_documents_instances_and_services() -> None:
    # the instances a command reaches are those its targets matched when it was sent (the simulated AWS records
    # them with the call): each is checked, with its tags as condition keys
    tag_target = {"DocumentName": "AWS-RunShellScript", "Targets": [{"Key": "tag:app", "Values": ["web"]}]}
    assert needs("ssm", "SendCommand", tag_target, targets={"i-1": {"app": "web"}, "mi-2": {"app": "web"}}) == [
        ("ssm:SendCommand", "arn:aws:ssm:us-west-2::document/AWS-RunShellScript"),
        ("ssm:SendCommand", "arn:aws:ec2:us-west-2:123456789012:instance/i-1"),
        ("ssm:SendCommand", "arn:aws:ssm:us-west-2:123456789012:managed-instance/mi-2")]
    assert needs("ssm", "SendCommand", {"DocumentName": "restart-app"}) == [
        ("ssm:SendCommand", "arn:aws:ssm:us-west-2:123456789012:document/restart-app")]
    assert needs("ssm", "SendCommand", {"DocumentName": "AmazonCloudWatch-ManageAgent", "InstanceIds": []}) == [
        ("ssm:SendCommand", "arn:aws:ssm:us-west-2::document/AmazonCloudWatch-ManageAgent")]
    service = "arn:aws:ecs:us-west-2:123456789012:service/demo/web"
    assert needs("ecs", "UpdateService", {"cluster": "demo", "service": "web"}) == [("ecs:UpdateService", service)]
    assert needs("ecs", "DescribeServices", {"cluster": "arn:aws:ecs:us-west-2:123456789012:cluster/demo",
                                             "services": ["web", service]}) == [("ecs:DescribeServices", service)] * 2


# --- enforced in the simulation -----------------------------------------------------------------------------

def without(function: str, action: str) -> Any:
    """The deployment's policies with `action` taken out of `function`'s statements."""
    def policies(template: dict[str, Any], region: str) -> dict[str, list[Statement]]:
        found = function_policies(template, region)
        name = next(f for f in found if short(f) == function)
        found[name] = [{**s, "Action": [a for a in as_list(s.get("Action", [])) if a != action]}
                       if "Action" in s else s for s in found[name]]
        return found
    return policies


def test_removing_one_grant_makes_the_refresh_fail_with_access_denied() -> None:
    # Given Rename's role without rds:ModifyDBInstance (its only change)
    simulation = Simulation(world=EXAMPLE_WORLD, execution_input=EXAMPLE_INPUT,
                            policies=without("Rename", "rds:ModifyDBInstance"))
    report = simulation.run()
    # Then the first rename is refused as IAM refuses it, the swap rolls back, and the report says why
    assert report["status"] == "FAILED"
    assert {(short(d["function"]), d["operation"]) for d in report["denied"]} == {("Rename", "ModifyDBInstance")}
    refused = [c for c in report["calls"] if c["error"] == "AccessDenied"]
    assert refused and all(c["operation"] == "ModifyDBInstance" for c in refused)
    assert "AccessDenied" in report["attempts"][-1]["error"] + report["attempts"][-1]["cause"]


def ssm_policies(targets: list[dict[str, Any]]) -> dict[str, list[Statement]]:
    hook = {"type": "ssm", "document": "AWS-RunShellScript", "targets": targets,
            "parameters": {"commands": ["systemctl restart app"]}}
    context = simulated_context({**EXAMPLE_INPUT, "restart": hook}, cdk_json_context())
    return policies_of(synthesize(context), EXAMPLE_WORLD["region"])


@pytest.mark.parametrize(("tags", "expected"), [
    pytest.param({"app": "mitosis-demo"}, "allow", id="declared-tag"),
    pytest.param({"app": "billing"}, "implicit-deny", id="another-tag"),
    pytest.param({}, "implicit-deny", id="untagged"),
])
def test_a_command_may_run_only_on_the_instances_its_job_declares(tags: dict[str, str], expected: str) -> None:
    region = EXAMPLE_WORLD["region"]
    policies = ssm_policies([{"Key": "tag:app", "Values": ["mitosis-demo"]}])
    restart = next(f for f in policies if short(f) == "Restart")
    call = {"service": "ssm", "operation": "SendCommand", "function": restart,
            "params": {"DocumentName": "AWS-RunShellScript", "Targets": [{"Key": "tag:app", "Values": ["x"]}]},
            "targets": {"i-0123456789abcdef0": tags}}
    decisions = decide(policies[restart], call, region)
    assert decisions[0][2] == "allow"  # the declared document
    assert decisions[1] == ("ssm:SendCommand", f"arn:aws:ec2:{region}:{ACCOUNT_ID}:instance/i-0123456789abcdef0",
                            expected)


def test_another_document_is_refused() -> None:
    region = EXAMPLE_WORLD["region"]
    policies = ssm_policies([{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}])
    restart = next(f for f in policies if short(f) == "Restart")
    call = {"service": "ssm", "operation": "SendCommand", "function": restart,
            "params": {"DocumentName": "AWS-RunPowerShellScript", "InstanceIds": ["i-0123456789abcdef0"]},
            "targets": {"i-0123456789abcdef0": {}}}
    assert [d for _, _, d in decide(policies[restart], call, region)] == ["implicit-deny", "allow"]


@pytest.mark.parametrize("declared", ["arn:aws:secretsmanager:us-west-2:123456789012:secret:demo-pw",
                                      "arn:aws:secretsmanager:us-west-2:123456789012:secret:demo-pw-AbCdEf"])
def test_a_declared_secret_is_readable_by_its_full_arn_and_no_other(declared: str) -> None:
    # A secret's ARN ends in six random characters; a job may declare it with or without them
    region = EXAMPLE_WORLD["region"]
    context = simulated_context({**EXAMPLE_INPUT, "master_password": {"secret_arn": declared}}, cdk_json_context())
    policies = policies_of(synthesize(context), region)
    reader = next(f for f in policies if short(f) == "SetPassword")

    def read(arn: str) -> str:
        call = {"service": "secretsmanager", "operation": "GetSecretValue", "function": reader,
                "params": {"SecretId": declared}, "implied": {"ARN": arn}}
        return decide(policies[reader], call, region)[0][2]

    assert read("arn:aws:secretsmanager:us-west-2:123456789012:secret:demo-pw-AbCdEf") == "allow"
    assert read("arn:aws:secretsmanager:us-west-2:123456789012:secret:demo-pw-other-AbCdEf") == "implicit-deny"
    assert read("arn:aws:secretsmanager:us-west-2:123456789012:secret:prod-pw-AbCdEf") == "implicit-deny"
