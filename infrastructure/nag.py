"""cdk-nag's AwsSolutions and Serverless packs on the app, and every finding this design accepts, acknowledged
with its reason.

cdk-nag 3 is a CDK validation plugin (`Validations.of(app).add_plugins`): synthesis fails on an error it
reports, and `make check` (tools/check_template.py) fails on any finding left, warnings included. Findings are
acknowledged one at a time (`AwsSolutions-IAM5[Resource::...]` names one wildcard): a new wildcard, a new kind
of resource or a new function that breaks a rule fails the check until it is fixed, or acknowledged here.

Fixed rather than acknowledged: the functions trace with X-Ray (Serverless-LambdaTracing) and the state machine
logs every event, without execution data (AwsSolutions-SF1); it already traced (AwsSolutions-SF2); the
notification topic accepts only SSL publishers (AwsSolutions-SNS3).

Acknowledgments are addressed by resource type (every Lambda function, every role, every policy, every rule),
not by the construct ids of infrastructure/functions.py and workflow.py, so those can change freely.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

import aws_cdk as cdk
from aws_cdk import Acknowledgment, Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks
from mitosis.models import (
    OLD_PREFIX,
    TEMP_PREFIX,
    EcsTask,
    RefreshJob,
    SsmCommand,
    final_snapshot_prefix,
    source_copy_prefix,
)

from infrastructure.functions import Fn
from infrastructure.settings import STATE_MACHINE_NAME
from infrastructure.stack import MitosisStack

# --- by resource type ----------------------------------------------------------------------------------------

PYTHON_RUNTIME = (
    "Python 3.12 is the runtime the dependency layer is built for (the Makefile's LAYER_PLATFORM, cp312 wheels) "
    "and the one the README documents; AWS supports it. A newer runtime is a deliberate change of the runtime, "
    "the layer's wheels and the README together, not one a lint rule should force when it learns of a release.")
LAMBDA_FUNCTION = {
    "AwsSolutions-L1": PYTHON_RUNTIME,
    "Serverless-LambdaLatestVersion": PYTHON_RUNTIME,
    "Serverless-LambdaDLQ": (
        "Step Functions invokes every function synchronously (LambdaInvoke, request-response): a failure returns "
        "to the state machine, whose Retry and Catch handle it (retry, roll back, fail the execution with the "
        "error). A dead-letter queue only receives failed asynchronous invocations, and nothing invokes these "
        "functions asynchronously."),
}
IAM_ROLE = {
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]": (
        "The AWS-maintained minimum for a function to write its own logs (logs:CreateLogGroup, CreateLogStream, "
        "PutLogEvents); each function's log group is the stack's, with a retention. Every call a handler makes is "
        "granted by its function's own inline policy."),
}
# The Notify function is the one EventBridge invokes, asynchronously, when an execution ends.
NOTIFY_FUNCTION = {
    **LAMBDA_FUNCTION,
    "Serverless-LambdaDLQ": (
        "Notify is invoked asynchronously by the rule on the state machine's status changes; Lambda retries a "
        "failed invocation twice. A message that still could not be sent is not lost silently: the CloudWatch "
        "alarm on failed and timed-out executions (AWS/States) notifies the same topic, the function's Errors "
        "are on the dashboard, and the execution keeps its history for 90 days. A queue of undelivered "
        "notifications would have no reader."),
}
NOTIFICATION_RULE = {
    "Serverless-EventBusDLQ": (
        "EventBridge retries delivering to Notify for 24 hours (the target's default retry policy). A "
        "notification replayed later is worth little: the alarm on failed and timed-out executions notifies the "
        "same topic independently, and `mitosis status` or the console show every execution."),
}
SNS_SUBSCRIPTION = {
    "Serverless-SNSRedrivePolicy": (
        "The subscriptions are people's email addresses (cdk.json notifications.emails). A message SNS could not "
        "deliver to one would wait in a dead-letter queue that nobody reads; what is not lost is the execution "
        "itself (its history, `mitosis status`, the console) and the alarm, which notifies every subscriber."),
}
EVENTS_RULE = {
    "Serverless-EventBusDLQ": (
        "A scheduled refresh that EventBridge cannot start is retried for 24 hours (the target's default retry "
        "policy) and then counted in the rule's FailedInvocations metric. A dead-letter queue exists to replay "
        "events later, and a refresh replayed at an arbitrary time (in working hours, while people use the "
        "target) is what a schedule must never do: the next scheduled run, or a manual start, is the recovery."),
}

# --- IAM wildcards ---------------------------------------------------------------------------------------------

# Actions granted on "*", each with why nothing narrower is possible or needed. A policy is acknowledged for
# `Resource::*` only if each of its Allow statements on "*" has nothing but these actions.
UNSCOPED_ACTIONS = {
    "rds:DescribeDBInstances": "read-only; Describe builds the replication graph of every instance (the source's "
                               "tree too, to refuse any plan that touches it), the other states read live state",
    "rds:ListTagsForResource": "read-only; the tags of an instance the instance list returns without them",
    "rds:DescribeDBSnapshots": "read-only; the final snapshots to prune are found by listing",
    "rds:DescribeDBClusters": "read-only; Describe reads every Aurora cluster (production's too, to refuse any plan "
                              "that touches it), the other states read live state",
    "rds:DescribeDBClusterSnapshots": "read-only; the final snapshots of old clusters to prune are found by listing",
    "rds:DescribeAccountAttributes": "read-only, and it supports no resource-level permissions: the account's "
                                     "quotas, checked before anything is created",
    "ssm:ListCommandInvocations": "read-only, and it supports no resource-level permissions",
    "ssm:ListCommands": "read-only, and it supports no resource-level permissions",
    "ssm:DescribeInstanceInformation": "read-only, and it supports no resource-level permissions: whether a "
                                       "declared command's targets match a managed node",
    "iam:PassRole": "only to ECS tasks (condition iam:PassedToService): the roles are those of the declared "
                    "task definition, which the configuration does not name",
    "xray:PutTraceSegments": "X-Ray supports no resource-level permissions (active tracing)",
    "xray:PutTelemetryRecords": "X-Ray supports no resource-level permissions (active tracing)",
    "xray:GetSamplingRules": "X-Ray supports no resource-level permissions (active tracing)",
    "xray:GetSamplingTargets": "X-Ray supports no resource-level permissions (active tracing)",
    **{f"logs:{action}": "CloudWatch Logs' log delivery supports no resource-level permissions (the state "
                         "machine's execution logs)"
       for action in ("CreateLogDelivery", "GetLogDelivery", "UpdateLogDelivery", "DeleteLogDelivery",
                      "ListLogDeliveries", "PutResourcePolicy", "DescribeResourcePolicies", "DescribeLogGroups")},
}


def _arn(service: str, resource: str) -> str:
    """An ARN of this stack's account and region, as cdk-nag writes it in a finding."""
    return f"arn:<AWS::Partition>:{service}:<AWS::Region>:<AWS::AccountId>:{resource}"


def wildcard_resources(jobs: list[RefreshJob]) -> dict[str, str]:
    """Every wildcard ARN infrastructure/functions.py grants for these refresh jobs, and why it is one."""
    wildcards = {
        _arn("rds", f"{kind}:*"): (
            "CreateDBInstanceReadReplica is authorized against the parameter, option and subnet groups the copy "
            "takes from its counterpart in the target's tree: they are read from RDS at run time, not declared")
        for kind in ("pg", "og", "subgrp")
    }
    wildcards[_arn("states", f"execution:{STATE_MACHINE_NAME}:*")] = (
        "the executions of this state machine only (their names are generated per run), read by the one "
        "refresh per target guard")
    wildcards[_arn("kms", "key/*")] = (
        "the customer managed keys of the copies (their old instances' keys, read from RDS at run time) and of "
        "the declared secrets; only through RDS or Secrets Manager (condition kms:ViaService)")
    wildcards[_arn("kms", "key/*").replace("<AWS::AccountId>", "*")] = (
        "the key of a snapshot shared from production's account: read (kms:DescribeKey) to tell whether it is "
        "usable, and granted to RDS (kms:ViaService) when the snapshot is copied")
    wildcards[_arn("rds", "snapshot:*")] = (
        "the snapshots a restore may read: production's automated ones (named rds:<source>-<time> by RDS) and "
        "manual ones (any name), read from RDS at run time; only by the Clone and Copy snapshot functions")
    wildcards["arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*"] = (
        "the enhanced-monitoring role of the old instances, read from RDS at run time; only to RDS enhanced "
        "monitoring (condition iam:PassedToService)")
    for job in jobs:
        target = job.target
        wildcards |= {
            _arn("rds", f"db:{target}-*"): f"the replicas of {target}, named after it with a hyphen (README, "
                                           "Deploying)",
            _arn("rds", f"db:{TEMP_PREFIX}{target}-*"): f"the copies of {target}'s replicas (temp-<name>)",
            _arn("rds", f"db:{OLD_PREFIX}{target}-*"): f"the replicas of {target} a refresh retires (old-<name>)",
            _arn("rds", f"snapshot:{final_snapshot_prefix(target)}*"):
                f"the final snapshots of {target}, one per refresh (named after its generation)",
            _arn("rds", f"snapshot:{source_copy_prefix(target)}*"):
                f"the copies of the snapshot a refresh of {target} restores (named after its generation)",
        }
        if job.aurora:
            wildcards[_arn("rds", "cluster-pg:*")] = (
                "RestoreDBClusterToPointInTime is authorized against the cluster parameter group the clone takes from "
                "the target's cluster: read from RDS at run time, not declared")
            wildcards[_arn("rds", f"cluster-snapshot:{final_snapshot_prefix(target)}*")] = (
                f"the final snapshots of {target}'s cluster, one per refresh (named after its generation)")
        if job.master_password:
            wildcards[f"{job.master_password.secret_arn}-??????"] = (
                "the declared secret: Secrets Manager appends six random characters to a secret's ARN")
        for hook in (job.restart, job.before_swap):
            if isinstance(hook, SsmCommand):
                wildcards[_arn("ec2", "instance/*")] = (
                    "SSM Run Command's targets are chosen by tag when the command is sent; what is limited is "
                    "the document, named in the same statement")
            if isinstance(hook, EcsTask):
                wildcards[_arn("ecs", f"task/{hook.cluster}/*")] = (
                    f"the tasks the before-swap hook starts in cluster {hook.cluster} (task ids are generated)")
                if not hook.task_definition.startswith("arn:"):
                    family = hook.task_definition.split(":")[0]
                    wildcards[_arn("ecs", f"task-definition/{family}:*")] = (
                        f"the revisions of the declared task definition {family}")
    return wildcards


def _unscoped_actions(policy_document: dict[str, Any]) -> set[str] | None:
    """The actions a policy allows on "*", or None if one of them is not in UNSCOPED_ACTIONS (or is conditionless
    iam:PassRole)."""
    actions: set[str] = set()
    for statement in policy_document.get("Statement", []):
        resources = statement.get("Resource", [])
        if statement.get("Effect") != "Allow" or "*" not in (resources if isinstance(resources, list) else [resources]):
            continue
        allowed = statement.get("Action", [])
        allowed = set(allowed if isinstance(allowed, list) else [allowed])
        passed_to = statement.get("Condition", {}).get("StringEquals", {}).get("iam:PassedToService")
        if not allowed <= set(UNSCOPED_ACTIONS) or ("iam:PassRole" in allowed and not passed_to):
            return None
        actions |= allowed
    return actions


def _acknowledge(construct: Any, reasons: dict[str, str]) -> None:
    Validations.of(construct).acknowledge(*(Acknowledgment(id=rule, reason=reason) for rule, reason in reasons.items()))


def acknowledge(stack: MitosisStack) -> None:
    """The findings this design accepts, on the resources they arise on."""
    resources = [cast(cdk.CfnResource, node) for node in stack.node.find_all() if cdk.CfnResource.is_cfn_resource(node)]
    # CDK's LambdaInvoke allows the function and its versions and aliases (`<arn>:*`): only this stack's functions.
    invoked = {
        f"AwsSolutions-IAM5[Resource::<{stack.resolve(function.logical_id)}.Arn>:*]":
            "a Lambda task may invoke its function's versions and aliases too (CDK's LambdaInvoke grant): only the "
            "stack's own functions"
        for function in resources if function.cfn_resource_type == "AWS::Lambda::Function"
    }
    wildcards = {f"AwsSolutions-IAM5[Resource::{arn}]": reason
                 for arn, reason in wildcard_resources(stack.settings.refresh_jobs).items()}
    for resource in resources:
        kind = resource.cfn_resource_type
        if kind == "AWS::Lambda::Function":
            notify = cast(Any, resource).handler == Fn.NOTIFY.handler
            _acknowledge(resource, NOTIFY_FUNCTION if notify else LAMBDA_FUNCTION)
        elif kind == "AWS::IAM::Role":
            _acknowledge(resource, IAM_ROLE)
        elif kind == "AWS::Events::Rule":
            # A schedule starts refreshes; the rule with an event pattern notifies of their ends.
            scheduled = cast(Any, resource).schedule_expression is not None
            _acknowledge(resource, EVENTS_RULE if scheduled else NOTIFICATION_RULE)
        elif kind == "AWS::SNS::Subscription":
            _acknowledge(resource, SNS_SUBSCRIPTION)
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            _acknowledge(resource, invoked | wildcards)
            # both kinds of policy have a policy_document (CfnPolicy, CfnManagedPolicy)
            unscoped = _unscoped_actions(stack.resolve(cast(Any, resource).policy_document))
            if unscoped:
                why: dict[str, list[str]] = defaultdict(list)
                for action in sorted(unscoped):
                    why[UNSCOPED_ACTIONS[action]].append(action)
                _acknowledge(resource, {"AwsSolutions-IAM5[Resource::*]": "Granted on *: " + "; ".join(
                    f"{', '.join(actions)}: {reason}" for reason, actions in why.items())})


def apply(app: cdk.App) -> None:
    """cdk-nag's AwsSolutions and Serverless packs on the app, with the acknowledgments of every MitosisStack."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    for node in app.node.children:
        if isinstance(node, MitosisStack):
            acknowledge(node)
