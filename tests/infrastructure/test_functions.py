"""One hop from a console state to its code: every Task state of the synthesized state machine runs the function
the README's table says, whose handler module, grant method and test file exist under the names the table
gives, and whose console description names its module."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from infrastructure.functions import Fn
from infrastructure.permissions import Permissions
from simulator.deployment import synthesize

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| (?P<state>[^|]+?) \| (?P<function>\w+) \| `(?P<handler>[^`]+)` \| `(?P<tests>[^`]+)` \|$")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    from infrastructure.settings import cdk_json_context

    return synthesize(cdk_json_context())


def task_states(template: dict[str, Any]) -> dict[str, Fn]:
    """Every Task state of the state machine (nested Maps included), with the function it invokes."""
    resources = template["Resources"]
    by_handler = {fn.handler: fn for fn in Fn}
    machine = next(r for r in resources.values() if r["Type"] == "AWS::StepFunctions::StateMachine")
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    definition = json.loads("".join(p if isinstance(p, str) else "FUNCTION:" + p["Fn::GetAtt"][0] for p in parts))
    found: dict[str, Fn] = {}

    def walk(states: dict[str, Any]) -> None:
        for name, state in states.items():
            if state["Type"] == "Task":
                logical_id = state["Resource"].removeprefix("FUNCTION:")
                found[name] = by_handler[resources[logical_id]["Properties"]["Handler"]]
            for key in ("ItemProcessor", "Iterator"):
                if key in state:
                    walk(state[key]["States"])

    walk(definition["States"])
    return found


def readme_table() -> list[dict[str, str]]:
    lines = (ROOT / "README.md").read_text().splitlines()
    return [match.groupdict() for line in lines if (match := ROW.match(line))]


def test_the_readme_table_lists_every_task_state_with_its_function(template: dict[str, Any]) -> None:
    rows = readme_table()
    assert {row["state"]: row["function"] for row in rows} == {state: fn.value for state, fn in
                                                               task_states(template).items()}
    assert len(rows) == len({row["state"] for row in rows}), "a state appears twice"


@pytest.mark.parametrize("row", readme_table(), ids=lambda row: row["state"])
def test_each_rows_handler_and_tests_are_the_functions(row: dict[str, str]) -> None:
    fn = Fn(row["function"])
    assert row["handler"] == f"lambdas/mitosis/handlers/{fn.module}.py"
    assert row["tests"] == f"tests/functional/test_{fn.module}.py"


@pytest.mark.parametrize("fn", list(Fn), ids=str)
def test_each_function_has_its_handler_with_a_payload_model_its_grant_method_and_its_tests(fn: Fn) -> None:
    module = importlib.import_module(f"mitosis.handlers.{fn.module}")
    assert hasattr(module.handler, "payload"), "the handler is not made by mitosis.runtime.lambda_handler"
    assert callable(getattr(Permissions, fn.module, None)), f"Permissions.{fn.module} is missing"
    assert (ROOT / "tests" / "functional" / f"test_{fn.module}.py").is_file()


def test_no_handler_module_is_left_without_a_function() -> None:
    modules = {p.stem for p in (ROOT / "lambdas" / "mitosis" / "handlers").glob("*.py")} - {"__init__"}
    assert modules == {fn.module for fn in Fn}


def test_each_lambda_description_names_its_module(template: dict[str, Any]) -> None:
    functions = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    for properties in functions:
        module = properties["Handler"].removesuffix(".handler")
        assert properties["Description"].endswith(f"({module}.handler)"), properties["Description"]
        assert len(properties["Description"]) <= 256
