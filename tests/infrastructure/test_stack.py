"""The synthesized stack, checked with aws_cdk.assertions: what `cdk deploy` would create."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Match, Template
from mitosis.history import PHASE_STATES, PHASES

from infrastructure.app import STACK_NAME, build_app, cdk_json_context
from infrastructure.functions import Fn
from infrastructure.settings import DeploymentSettings

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

CONTEXT = {
    "refresh_jobs": [
        {"name": "demo", "source": "mitosis-prod", "target": "mitosis-demo",
         "restart": {"type": "ecs", "cluster": "demo", "services": ["web"]}, "schedule": "cron(0 3 ? * SUN *)"},
        {"name": "qa", "source": "mitosis-prod", "target": "mitosis-qa"},
    ],
}


@pytest.fixture(scope="module")
def template() -> Template:
    app = build_app(CONTEXT)
    return Template.from_stack(Stack.of(app.node.find_child(STACK_NAME)))


@pytest.fixture(scope="module")
def definition(template: Template) -> dict[str, Any]:
    machine = next(iter(template.find_resources("AWS::StepFunctions::StateMachine").values()))
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    return dict(json.loads("".join(p if isinstance(p, str) else "ARN" for p in parts)))


def all_states(states: dict[str, Any]) -> dict[str, Any]:
    """Every state, nested Map iterations included."""
    found = dict(states)
    for state in states.values():
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            found.update(all_states(processor["States"]))
    return found


def test_the_console_shows_where_a_refresh_is(definition: dict[str, Any]) -> None:
    names = set(all_states(definition["States"]))
    assert {"Describe", "Check no other refresh", "Plan", "Check hooks", "Dry run?", "Discard stale copies",
            "Production ready?", "Clone", "Configure copy", "Promote", "Reboot copy", "Build replica levels",
            "Build level", "Create replica", "Configure replica", "Reboot replica", "Swap names", "Swap name",
            "Rename", "Restore names", "Swap failed, names restored", "Restart application", "Restart done?",
            "Delete old tree", "Delete old", "Prune snapshots", "Refreshed", "Flight plan ready"} <= names


def test_the_states_failure_advice_is_read_from_are_the_state_machines(definition: dict[str, Any]) -> None:
    # mitosis.history groups states into phases for the advice a failure gets: a renamed state left there would
    # fall into the build phase ("the target was not changed") whatever it does
    names = set(all_states(definition["States"]))
    for phase, states in PHASE_STATES.items():
        assert states <= names, f"{phase}: {sorted(states - names)} are no states of the state machine"
    assert {first for _, first, _ in PHASES} | {last for _, _, (_, last) in PHASES} <= names


def test_replica_levels_run_in_order_and_replicas_of_a_level_in_parallel(definition: dict[str, Any]) -> None:
    states = all_states(definition["States"])
    assert states["Build replica levels"]["MaxConcurrency"] == 1
    assert states["Build level"].get("MaxConcurrency", 0) == 0
    assert states["Swap names"].get("MaxConcurrency", 0) == 0
    assert states["Swap name"]["MaxConcurrency"] == 1  # a name's copy moves in only once its old holder left
    assert states["Delete old tree"].get("MaxConcurrency", 0) == 0


def test_waits_are_bounded_retries_on_not_ready(definition: dict[str, Any]) -> None:
    states = all_states(definition["States"])
    checks = {name: s for name, s in states.items() if name.endswith(("done?", "ready?"))}
    assert len(checks) >= 12
    for name, state in checks.items():
        not_ready = [r for r in state["Retry"] if r["ErrorEquals"] == ["NotReady"]]
        assert not_ready and not_ready[0]["MaxAttempts"] <= 1000, name
        assert not_ready[0]["BackoffRate"] == 1, name
    # a step that waits for its instance to be free (a rename of a busy old instance) polls the same way
    for name in ("Rename", "Configure copy", "Reboot replica", "Delete old", "Discard copy"):
        assert any(r["ErrorEquals"] == ["NotReady"] for r in states[name]["Retry"]), name


def test_every_task_tells_its_lambda_the_execution_and_the_target(definition: dict[str, Any]) -> None:
    tasks = {name: s for name, s in all_states(definition["States"]).items() if s["Type"] == "Task"}
    for name, state in tasks.items():
        keys = {key.removesuffix(".$") for key in state["Parameters"]}
        assert keys == {"event", "context"}, name
        context = state["Parameters"].get("context.$") or state["Parameters"].get("context")
        assert context in ("$.context", {"execution.$": "$$.Execution.Name"}), name


def test_dry_run_ends_with_the_plan(definition: dict[str, Any]) -> None:
    states = definition["States"]
    assert states["Dry run?"]["Choices"][0]["Variable"] == "$.refresh.request.dry_run"
    assert states["Flight plan ready"] == {"Type": "Succeed", "OutputPath": "$.plan"}


def test_one_function_per_state_each_with_its_own_role(template: Template) -> None:
    functions = template.find_resources("AWS::Lambda::Function")
    handlers = sorted(f["Properties"]["Handler"] for f in functions.values())
    assert handlers == sorted(fn.handler for fn in Fn)
    assert all(f["Properties"]["Runtime"] == "python3.12" for f in functions.values())
    assert all(f["Properties"]["TracingConfig"] == {"Mode": "Active"} for f in functions.values())
    roles = {json.dumps(f["Properties"]["Role"]) for f in functions.values()}
    assert len(roles) == len(Fn)


def test_weekly_schedule_per_scheduled_job(template: Template) -> None:
    # (the other rule is the notification's: tests/infrastructure/test_monitoring.py)
    assert len(template.find_resources("AWS::Events::Rule", {"Properties": {
        "ScheduleExpression": Match.any_value()}})) == 1
    template.has_resource_properties("AWS::Events::Rule", {
        "ScheduleExpression": "cron(0 3 ? * SUN *)",
        "Targets": [Match.object_like({"Input": Match.serialized_json(
            {"source": "mitosis-prod", "target": "mitosis-demo", "dry_run": False,
             "restart": {"type": "ecs", "cluster": "demo", "services": ["web"], "timeout_s": 1800},
             "on_restart_failure": "keep", "clone": {"method": "auto"}, "aurora": False, "final_snapshot": True,
             "keep_final_snapshots": 2})})],
    })


def test_executions_log_to_a_vended_logs_group(template: Template) -> None:
    # Log groups under /aws/vendedlogs/ keep CloudWatch Logs' resource policy for log deliveries small: without
    # the prefix, each state machine's group adds to a policy that is limited to 5,120 characters.
    template.has_resource_properties("AWS::Logs::LogGroup", {
        "LogGroupName": "/aws/vendedlogs/states/stack-mitosis-refresh", "RetentionInDays": 30})
    template.has_resource_properties("AWS::StepFunctions::StateMachine", {
        "LoggingConfiguration": Match.object_like({"Destinations": [{"CloudWatchLogsLogGroup": {
            "LogGroupArn": {"Fn::GetAtt": [Match.string_like_regexp("ExecutionLogs"), "Arn"]}}}]}),
    })


def test_outputs_the_state_machine_arn(template: Template) -> None:
    template.has_output("StateMachineArn", {"Value": {"Ref": Match.string_like_regexp("StateMachine")}})


def test_describe_knows_the_declared_jobs_and_their_hooks(template: Template) -> None:
    # The first state refuses an input whose hook or secret differs from its job's declaration
    functions = template.find_resources("AWS::Lambda::Function", {"Properties": {
        "Handler": "mitosis.handlers.describe.handler"}})
    (function,) = functions.values()
    jobs = json.loads(function["Properties"]["Environment"]["Variables"]["REFRESH_JOBS"])
    assert [(job["source"], job["target"], job["restart"]) for job in jobs] == [
        ("mitosis-prod", "mitosis-demo", {"type": "ecs", "cluster": "demo", "services": ["web"], "timeout_s": 1800}),
        ("mitosis-prod", "mitosis-qa", None)]


def test_logs_keep_a_month_and_the_state_machine_logs_to_a_vended_log_group(template: Template) -> None:
    groups = template.find_resources("AWS::Logs::LogGroup")
    assert len(groups) == len(Fn) + 1
    assert all(g["Properties"]["RetentionInDays"] == 30 for g in groups.values())
    template.has_resource_properties("AWS::Logs::LogGroup", {
        "LogGroupName": "/aws/vendedlogs/states/stack-mitosis-refresh"})
    template.has_resource_properties("AWS::StepFunctions::StateMachine", {
        "TracingConfiguration": {"Enabled": True},
        # Every event (AwsSolutions-SF1), never the execution's data
        "LoggingConfiguration": Match.object_like({"IncludeExecutionData": False, "Level": "ALL"})})


def test_cdk_json_declares_a_valid_deployment() -> None:
    app = build_app(cdk_json_context())
    assert app.node.find_child(STACK_NAME) is not None


@pytest.mark.parametrize(("jobs", "message"), [
    pytest.param([("a", "prod", "demo"), ("b", "prod", "demo-eu")], "'demo-eu' falls inside job 'a'", id="nested"),
    pytest.param([("a", "prod", "prod")], "source and target are both 'prod'", id="source-is-target"),
    pytest.param([("a", "demo", "staging"), ("b", "staging-copy", "qa")], "'staging-copy' falls inside",
                 id="a-source-under-a-target"),
])
def test_jobs_whose_names_iam_could_not_tell_apart_are_refused(jobs: list[tuple[str, str, str]], message: str) -> None:
    # IAM scopes a target's tree as `<target>` and `<target>-*` and denies writes on `<source>-*`
    with pytest.raises(ValueError, match=message):
        DeploymentSettings.model_validate({"refresh_jobs": [
            {"name": name, "source": source, "target": target} for name, source, target in jobs]})
