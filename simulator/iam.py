"""Least privilege, offline: what a Lambda's role allows, and what each recorded AWS call needs.

moto's own IAM enforcement cannot prove anything about RDS (it checks every RDS request against resource `*`,
see ../shared/AWS-NOTES.md), so this module evaluates identity policies itself:

- `policy_of(template, function, region)`: the statements of a function's role in the synthesized template.
- `evaluate(statements, action, resource)`: IAM's decision for one (action, resource) pair.
- `authorizations(call, region, account)`: the (action, resource ARN) pairs AWS checks for a recorded call,
  from the Service Authorization Reference. It fails closed: an operation nobody mapped raises `UnmappedCall`,
  so a new call cannot pass the least-privilege check unexamined.
- `decide(statements, call, region, account)`: each pair of a call with its decision; the call goes through
  only if every pair is allowed. The tags a recorded call carries in `resource_tags` (by resource ARN, as the
  simulator saw them before the call) are that resource's `aws:ResourceTag/<key>` condition keys.

Only identity policies are modelled (no resource policies, permission boundaries or SCPs: the stack has
none). Of conditions, only `StringEquals` on condition keys the request supplies is evaluated: a conditional
Allow counts only when each of its conditions is of that kind and holds (so an unknown operator, or a key the
request does not supply, leaves it not granted), and a conditional Deny always applies. Every simplification
errs towards "denied" for an Allow and towards "applies" for a Deny.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

from simulator.deployment import ACCOUNT_ID, resolve

Decision = Literal["allow", "deny", "implicit-deny"]
Statement = dict[str, Any]
Authorization = tuple[str, str]  # (action, resource ARN)

# Managed policies CDK attaches that the template does not spell out. Any other one raises: its statements
# could allow what the proofs say is denied.
MANAGED_POLICIES: dict[str, list[Statement]] = {
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": [{
        "Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": "*",
    }],
}


class UnmappedCall(LookupError):
    """A recorded call whose authorization is not in the table: map it before it can be proven allowed."""


# --- the policy of a function ---------------------------------------------------------------------------------

def policy_of(template: dict[str, Any], function: str, region: str) -> list[Statement]:
    """Every statement of the role of `function` (a Lambda function's logical id): the role's inline
    `Policies`, every `AWS::IAM::Policy` whose `Roles` lists it, and its known managed policies, with
    CDK's `Fn::Join`/`Ref` ARNs rendered for `region` and the simulated account.

    `region` is required: rendered for another region, no ARN would match, so every Allow and every Deny
    would silently stop applying."""
    resources = template["Resources"]
    role = resources[function]["Properties"]["Role"]
    if not (isinstance(role, dict) and "Fn::GetAtt" in role):
        raise ValueError(f"{function}: its role {role!r} is not a role of this template")
    role_id = role["Fn::GetAtt"][0]
    properties = resources[role_id]["Properties"]
    documents = [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
    documents += [resource["Properties"]["PolicyDocument"] for resource in resources.values()
                  if resource["Type"] == "AWS::IAM::Policy"
                  and {"Ref": role_id} in resource["Properties"].get("Roles", [])]
    statements = [statement for document in documents for statement in _as_list(document["Statement"])]
    for arn in properties.get("ManagedPolicyArns", []):
        rendered = resolve(arn, region, {})
        if rendered not in MANAGED_POLICIES:
            raise ValueError(f"{function}: managed policy {rendered} is unknown offline: add its statements")
        statements += MANAGED_POLICIES[rendered]
    # No function ARNs: a Ref or GetAtt to anything but a pseudo parameter raises rather than guessing.
    return [resolve(statement, region, {}) for statement in statements]


# --- evaluation -----------------------------------------------------------------------------------------------

def evaluate(statements: list[Statement], action: str, resource: str,
             context: Mapping[str, str] | None = None) -> Decision:
    """IAM's decision for one request: an explicit Deny beats an Allow, which beats the implicit deny.

    `context`: the request's condition keys and their values (such as `aws:ResourceTag/env`), for conditional
    Allows; without it, no conditional Allow counts."""
    allowed = False
    for statement in statements:
        if not (_matches_action(statement, action) and _matches_resource(statement, resource)):
            continue
        if statement["Effect"] == "Deny":
            return "deny"  # whatever its Condition: assuming it applies is the safe side
        if statement["Effect"] == "Allow" and _conditions_hold(statement.get("Condition") or {}, context or {}):
            allowed = True
    return "allow" if allowed else "implicit-deny"


def _conditions_hold(conditions: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    """Whether every condition of an Allow holds for the request: only `StringEquals` is understood (a key
    holds when the request supplies it with one of the listed values, compared exactly); anything else does
    not hold, so the Allow does not count."""
    for operator, keys in conditions.items():
        if operator != "StringEquals":
            return False
        for key, values in keys.items():
            if key not in context or context[key] not in _as_list(values):
                return False
    return True


def resource_context(tags: Mapping[str, str]) -> dict[str, str]:
    """A resource's tags as the condition keys IAM gives them."""
    return {f"aws:ResourceTag/{key}": value for key, value in tags.items()}


def _matches_action(statement: Statement, action: str) -> bool:
    if "Action" in statement:
        return any(_glob(pattern, action, ignore_case=True) for pattern in _as_list(statement["Action"]))
    return not any(_glob(pattern, action, ignore_case=True) for pattern in _as_list(statement["NotAction"]))


def _matches_resource(statement: Statement, resource: str) -> bool:
    if "Resource" in statement:
        return any(_glob(pattern, resource) for pattern in _as_list(statement["Resource"]))
    return not any(_glob(pattern, resource) for pattern in _as_list(statement["NotResource"]))


def _glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's wildcards: `*` any run of characters (colons and slashes included), `?` one character; nothing
    else is special (fnmatch would also read `[...]`)."""
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


@functools.cache
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(regex, flags)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- what AWS checks for a call -------------------------------------------------------------------------------

class Arns:
    """ARNs of one region and account, as the Service Authorization Reference spells them."""

    def __init__(self, region: str, account: str) -> None:
        self.region, self.account = region, account

    def rds(self, kind: str, name: str) -> str:
        # RDS takes an ARN wherever it takes an identifier (a cross-region replica's source is one).
        return name if name.startswith("arn:") else f"arn:aws:rds:{self.region}:{self.account}:{kind}:{name}"

    def ecs(self, kind: str, cluster: str, name: str) -> str:
        if name.startswith("arn:"):
            return name
        return f"arn:aws:ecs:{self.region}:{self.account}:{kind}/{cluster.rsplit('/', 1)[-1]}/{name}"

    def ssm_document(self, name: str) -> str:
        if name.startswith("arn:"):
            return name
        # AWS-owned documents (only AWS may use these prefixes) are in no account.
        owner = "" if name.lower().startswith(("aws", "amazon", "amzn")) else self.account
        return f"arn:aws:ssm:{self.region}:{owner}:document/{name}"

    def instance(self, instance_id: str) -> str:
        if instance_id.startswith("mi-"):  # an on-premises managed node
            return f"arn:aws:ssm:{self.region}:{self.account}:managed-instance/{instance_id}"
        return f"arn:aws:ec2:{self.region}:{self.account}:instance/{instance_id}"


Mapper = Callable[[dict[str, Any], Arns], list[Authorization]]


def _db_groups(action: str, params: dict[str, Any], arns: Arns) -> list[Authorization]:
    """The parameter, option and subnet groups a create or modify request names are checked too."""
    kinds = {"DBParameterGroupName": "pg", "OptionGroupName": "og", "DBSubnetGroupName": "subgrp"}
    named = [(action, arns.rds(kind, params[key])) for key, kind in kinds.items() if params.get(key)]
    return named + [(action, arns.rds("secgrp", group)) for group in params.get("DBSecurityGroups", [])]


def _passed_roles(params: dict[str, Any]) -> list[Authorization]:
    # Enhanced monitoring hands RDS a role: the caller needs iam:PassRole on it.
    return [("iam:PassRole", params["MonitoringRoleArn"])] if params.get("MonitoringRoleArn") else []


def _create_read_replica(params: dict[str, Any], arns: Arns) -> list[Authorization]:
    action, new = "rds:CreateDBInstanceReadReplica", arns.rds("db", params["DBInstanceIdentifier"])
    checks = [(action, arns.rds("db", params["SourceDBInstanceIdentifier"])), (action, new)]
    # Tags given at creation are authorized as a tagging of the new instance.
    tagging = [("rds:AddTagsToResource", new)] if params.get("Tags") else []
    return checks + _db_groups(action, params, arns) + tagging + _passed_roles(params)


def _modify(params: dict[str, Any], arns: Arns) -> list[Authorization]:
    action = "rds:ModifyDBInstance"
    checks = [(action, arns.rds("db", params["DBInstanceIdentifier"]))]
    if params.get("NewDBInstanceIdentifier"):  # whether AWS checks the new name is undocumented: assume it does
        checks.append((action, arns.rds("db", params["NewDBInstanceIdentifier"])))
    return checks + _db_groups(action, params, arns) + _passed_roles(params)


def _delete(params: dict[str, Any], arns: Arns) -> list[Authorization]:
    db = arns.rds("db", params["DBInstanceIdentifier"])
    checks = [("rds:DeleteDBInstance", db)]
    if params.get("FinalDBSnapshotIdentifier"):  # since August 2024 the final snapshot is a CreateDBSnapshot too
        snapshot = arns.rds("snapshot", params["FinalDBSnapshotIdentifier"])
        # An instance with CopyTagsToSnapshot also tags the snapshot. The request does not say whether this one
        # has it: assume it does, so a role that passes is ready for either.
        checks += [("rds:CreateDBSnapshot", db), ("rds:CreateDBSnapshot", snapshot),
                   ("rds:AddTagsToResource", snapshot)]
    return checks


def _create_snapshot(params: dict[str, Any], arns: Arns) -> list[Authorization]:
    snapshot = arns.rds("snapshot", params["DBSnapshotIdentifier"])
    checks = [("rds:CreateDBSnapshot", arns.rds("db", params["DBInstanceIdentifier"])),
              ("rds:CreateDBSnapshot", snapshot)]
    return checks + ([("rds:AddTagsToResource", snapshot)] if params.get("Tags") else [])


def _on(action: str, kind: str, key: str) -> Mapper:
    """The action on the one RDS resource the request names."""
    return lambda params, arns: [(action, arns.rds(kind, params[key]))]


def _on_resource_name(action: str) -> Mapper:
    return lambda params, arns: [(action, params["ResourceName"])]


def _describe(action: str, kind: str, key: str) -> Mapper:
    """An unfiltered describe is checked against `*`; one naming its resource, against that resource."""
    return lambda params, arns: [(action, arns.rds(kind, params[key]) if params.get(key) else "*")]


def _everything(action: str) -> Mapper:
    return lambda params, arns: [(action, "*")]


def _ecs_services(action: str) -> Mapper:
    def mapping(params: dict[str, Any], arns: Arns) -> list[Authorization]:
        cluster = params.get("cluster", "default")
        services = params["services"] if "services" in params else [params["service"]]
        return [(action, arns.ecs("service", cluster, service)) for service in services]
    return mapping


def _run_task(params: dict[str, Any], arns: Arns) -> list[Authorization]:
    definition = params["taskDefinition"]
    if not definition.startswith("arn:"):
        if ":" not in definition:  # the latest revision: which one that is cannot be known offline
            raise UnmappedCall(f"ecs RunTask of {definition!r}: name the task definition's revision")
        definition = f"arn:aws:ecs:{arns.region}:{arns.account}:task-definition/{definition}"
    return [("ecs:RunTask", definition)]


def _describe_tasks(params: dict[str, Any], arns: Arns) -> list[Authorization]:
    cluster = params.get("cluster", "default")
    return [("ecs:DescribeTasks", arns.ecs("task", cluster, task)) for task in params["tasks"]]


def _send_command(params: dict[str, Any], arns: Arns) -> list[Authorization]:
    checks = [("ssm:SendCommand", arns.ssm_document(params["DocumentName"]))]
    instances = list(params.get("InstanceIds", []))
    for target in params.get("Targets", []):
        if target["Key"] == "InstanceIds":
            instances += target["Values"]
        elif target["Key"].startswith("tag:") or target["Key"] == "tag-key":
            # Which instances carry the tag is resolved by SSM later: the request is checked against them all.
            checks.append(("ssm:SendCommand", f"arn:aws:ec2:{arns.region}:{arns.account}:instance/*"))
        else:
            raise UnmappedCall(f"ssm SendCommand target key {target['Key']!r} is not mapped")
    return checks + [("ssm:SendCommand", arns.instance(instance)) for instance in instances]


def _get_secret_value(params: dict[str, Any], arns: Arns) -> list[Authorization]:
    secret = params["SecretId"]
    if not secret.startswith("arn:"):
        # A secret's ARN ends in 6 random characters a name does not tell: `?` stands for each, so only a
        # policy that allows any suffix (`name-*` or `name-??????`) allows the call.
        secret = f"arn:aws:secretsmanager:{arns.region}:{arns.account}:secret:{secret}-??????"
    return [("secretsmanager:GetSecretValue", secret)]


def _list_executions(params: dict[str, Any], arns: Arns) -> list[Authorization]:
    if not params.get("stateMachineArn"):  # a Map Run's executions are another resource type
        raise UnmappedCall("stepfunctions ListExecutions without stateMachineArn is not mapped")
    return [("states:ListExecutions", params["stateMachineArn"])]


AUTHORIZATIONS: dict[tuple[str, str], Mapper] = {
    ("rds", "DescribeDBInstances"): _describe("rds:DescribeDBInstances", "db", "DBInstanceIdentifier"),
    ("rds", "ListTagsForResource"): _on_resource_name("rds:ListTagsForResource"),
    ("rds", "AddTagsToResource"): _on_resource_name("rds:AddTagsToResource"),
    ("rds", "RemoveTagsFromResource"): _on_resource_name("rds:RemoveTagsFromResource"),
    ("rds", "CreateDBInstanceReadReplica"): _create_read_replica,
    ("rds", "PromoteReadReplica"): _on("rds:PromoteReadReplica", "db", "DBInstanceIdentifier"),
    ("rds", "ModifyDBInstance"): _modify,
    ("rds", "RebootDBInstance"): _on("rds:RebootDBInstance", "db", "DBInstanceIdentifier"),
    ("rds", "DeleteDBInstance"): _delete,
    ("rds", "DescribeDBSnapshots"): _describe("rds:DescribeDBSnapshots", "snapshot", "DBSnapshotIdentifier"),
    ("rds", "CreateDBSnapshot"): _create_snapshot,
    ("rds", "DeleteDBSnapshot"): _on("rds:DeleteDBSnapshot", "snapshot", "DBSnapshotIdentifier"),
    ("ecs", "UpdateService"): _ecs_services("ecs:UpdateService"),
    ("ecs", "DescribeServices"): _ecs_services("ecs:DescribeServices"),
    ("ecs", "RunTask"): _run_task,
    ("ecs", "DescribeTasks"): _describe_tasks,
    ("ssm", "SendCommand"): _send_command,
    ("ssm", "ListCommandInvocations"): _everything("ssm:ListCommandInvocations"),
    ("ssm", "GetCommandInvocation"): _everything("ssm:GetCommandInvocation"),
    ("secretsmanager", "GetSecretValue"): _get_secret_value,
    ("stepfunctions", "ListExecutions"): _list_executions,
    ("stepfunctions", "DescribeExecution"): lambda params, arns: [("states:DescribeExecution", params["executionArn"])],
}


def authorizations(call: dict[str, Any], region: str, account: str = ACCOUNT_ID) -> list[Authorization]:
    """The (action, resource ARN) pairs AWS authorizes for a recorded call (`service`, `operation`,
    `params`); the call is allowed only if every pair is. Raises UnmappedCall for an operation not mapped."""
    mapping = AUTHORIZATIONS.get((call["service"], call["operation"]))
    if mapping is None:
        raise UnmappedCall(f"{call['service']} {call['operation']} has no entry in simulator.iam.AUTHORIZATIONS: "
                           "map it to the actions and resources AWS checks (Service Authorization Reference)")
    return mapping(call.get("params") or {}, Arns(region, account))


def decide(statements: list[Statement], call: dict[str, Any], region: str,
           account: str = ACCOUNT_ID) -> list[tuple[str, str, Decision]]:
    """Each (action, resource, decision) of a call; a resource's tags come from the call's `resource_tags`
    (a resource without an entry has none)."""
    tags = call.get("resource_tags") or {}
    return [(action, resource, evaluate(statements, action, resource, resource_context(tags.get(resource, {}))))
            for action, resource in authorizations(call, region, account)]
