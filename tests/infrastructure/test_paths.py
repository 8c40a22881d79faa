"""Every JSONPath the state machine reads or writes is checked against the models, so renaming a field of the plan
or of a refresh fails here, not in a refresh at run time.

The execution's state after Plan is `mitosis.models.WorkflowState`; a Map iteration's state is what its
ItemSelector builds (`{"event" | "level" | "swap": the item, "context": ...}`). For each Task, the path of its
`event` must select its handler's payload model (or a subclass), every other path must exist, and a ResultPath
must name a field whose type is what the handler returns.
"""

from __future__ import annotations

import importlib
import json
import types
import typing
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from mitosis.models import ErrorInfo, TaskContext, WorkflowState
from pydantic import BaseModel

from infrastructure.functions import Fn
from infrastructure.settings import cdk_json_context
from simulator.deployment import synthesize

State = dict[str, Any]  # a state's shape: field name -> type
ANY = Any


def definition_with_functions() -> tuple[dict[str, Any], dict[str, Fn]]:
    template = synthesize(cdk_json_context())
    resources = template["Resources"]
    by_handler = {fn.handler: fn for fn in Fn}
    machine = next(r for r in resources.values() if r["Type"] == "AWS::StepFunctions::StateMachine")
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    definition = json.loads("".join(p if isinstance(p, str) else "FUNCTION:" + p["Fn::GetAtt"][0] for p in parts))
    functions = {logical_id: by_handler[r["Properties"]["Handler"]] for logical_id, r in resources.items()
                 if r["Type"] == "AWS::Lambda::Function"}
    return definition, functions


def strip(annotation: Any) -> Any:
    """`Annotated[X, ...]` -> X; `X | None` -> X."""
    if get_origin(annotation) is Annotated:
        return strip(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return strip(members[0]) if len(members) == 1 else annotation
    return annotation


def field_type(shape: Any, name: str) -> Any:
    """The type of field `name` of `shape` (a model, a state dict or a union of models), or KeyError."""
    shape = strip(shape)
    if shape is ANY or get_origin(shape) is dict:
        return ANY
    if isinstance(shape, dict):
        return shape[name]
    if get_origin(shape) in (Union, types.UnionType):  # a discriminated union: the field of any member
        found = [field_type(member, name) for member in get_args(shape) if name in strip(member).model_fields]
        if not found:
            raise KeyError(name)
        return found[0]
    if isinstance(shape, type) and issubclass(shape, BaseModel):
        if name in shape.model_fields:
            return shape.model_fields[name].annotation
        if name in shape.model_computed_fields:
            return shape.model_computed_fields[name].return_type
    raise KeyError(name)


def type_at(shape: Any, path: str) -> Any:
    """The type `path` (`$`, `$.a.b`) selects in `shape`; KeyError when a field does not exist."""
    assert path.startswith("$") and not path.startswith("$$"), path
    for name in [part for part in path[1:].split(".") if part]:
        shape = field_type(shape, name)
    return shape


def element(listed: Any) -> Any:
    listed = strip(listed)
    assert get_origin(listed) is list, listed
    return get_args(listed)[0]


def returned(fn: Fn) -> Any:
    step = importlib.import_module(f"mitosis.handlers.{fn.module}").handler.__wrapped__
    return typing.get_type_hints(step, include_extras=True)["return"]


def payload(fn: Fn) -> type[BaseModel]:
    return importlib.import_module(f"mitosis.handlers.{fn.module}").handler.payload  # type: ignore[no-any-return]


def compatible(declared: Any, found: Any) -> bool:
    declared, found = strip(declared), strip(found)
    if declared == found or ANY in (declared, found):
        return True
    if isinstance(found, dict) and isinstance(declared, type) and issubclass(declared, BaseModel):
        # an object a Pass builds: every key a field, of a compatible type
        return all(key in declared.model_fields and compatible(declared.model_fields[key].annotation, value)
                   for key, value in found.items())
    return isinstance(found, type) and isinstance(declared, type) and issubclass(found, declared)


class Checker:
    def __init__(self, functions: dict[str, Fn]) -> None:
        self.functions = functions
        self.checked: list[str] = []

    def path(self, shape: Any, path: str, where: str) -> Any:
        if path.startswith("$$"):
            return ANY
        try:
            found = type_at(shape, path)
        except KeyError as missing:
            raise AssertionError(f"{where}: {path} names no field {missing} of the state") from None
        self.checked.append(f"{where}: {path}")
        return found

    def object(self, shape: Any, value: Any, where: str) -> dict[str, Any]:
        """The shape a payload template builds: each `key.$` path checked."""
        built: dict[str, Any] = {}
        for key, item in (value or {}).items():
            if key.endswith(".$"):
                built[key[:-2]] = self.path(shape, item, f"{where}.{key}")
            elif isinstance(item, dict):
                built[key] = self.object(shape, item, f"{where}.{key}")
            else:
                built[key] = type(item)
        return built

    def result(self, shape: State, result_path: str | None, produced: Any, where: str) -> State:
        """The state after a ResultPath stores `produced` in it (none: the result is dropped)."""
        if result_path is None:
            return shape
        name = result_path.removeprefix("$.")
        assert "." not in name, f"{where}: nested ResultPath {result_path}"
        if name in shape:
            assert compatible(shape[name], produced), f"{where}: {result_path} holds {shape[name]}, gets {produced}"
            return shape
        return {**shape, name: produced}

    def states(self, machine: dict[str, Any], shape: State) -> None:
        """Follow the transitions from StartAt, each state seeing the state its predecessor left."""
        states, seen = machine["States"], set()
        todo = [(machine["StartAt"], shape)]
        while todo:
            name, current = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            state = states[name]
            after = self.state(name, state, current)
            nexts = [state.get("Next"), state.get("Default"), *[c["Next"] for c in state.get("Choices", [])]]
            todo += [(n, after) for n in nexts if n]
            todo += [(c["Next"], self.result(current, c.get("ResultPath"), ErrorInfo, name))
                     for c in state.get("Catch", [])]
        assert seen == set(states), f"states never reached: {set(states) - seen}"

    def state(self, name: str, state: dict[str, Any], shape: State) -> State:
        """Check one state's paths; the state it leaves."""
        kind = state["Type"]
        for key in ("InputPath", "OutputPath", "ItemsPath", "ErrorPath", "CausePath"):
            if isinstance(state.get(key), str):
                self.path(shape, state[key], f"{name}.{key}")
        for choice in state.get("Choices", []):
            self.path(shape, choice["Variable"], f"{name}.Variable")
        for catch in state.get("Catch", []):
            self.result(shape, catch.get("ResultPath"), ErrorInfo, f"{name}.Catch")
        if kind == "Task":
            fn = self.functions[state["Resource"].removeprefix("FUNCTION:")]
            parameters = state["Parameters"]
            event = parameters.get("event.$")
            if event == "$":
                pass  # Describe: the execution input as sent, validated by its handler
            elif event is not None:
                selected = self.path(shape, event, f"{name}.event")
                assert compatible(payload(fn), selected), f"{name}: event {event} is {selected}, not {payload(fn)}"
            else:
                built = self.object(shape, parameters["event"], f"{name}.event")
                missing = set(built) - set(payload(fn).model_fields)
                assert not missing, f"{name}: the event's {missing} are no fields of {payload(fn).__name__}"
            self.object(shape, {k: v for k, v in parameters.items() if k.startswith("context")}, name)
            return self.result(shape, state.get("ResultPath"), returned(fn), name)
        elif kind == "Map":
            item = element(self.path(shape, state["ItemsPath"], f"{name}.ItemsPath"))
            iteration: State = {}
            for key, value in state["ItemSelector"].items():
                assert key.endswith(".$"), f"{name}: ItemSelector {key}"
                iteration[key[:-2]] = item if value == "$$.Map.Item.Value" else self.path(shape, value, name)
            self.states(state.get("ItemProcessor") or state["Iterator"], iteration)
            return self.result(shape, state.get("ResultPath"), ANY, name)
        elif kind == "Pass" and "Parameters" in state:
            built = self.object(shape, state["Parameters"], name)
            return self.result(shape, state.get("ResultPath"), built, name) if state.get("ResultPath") else built
        return shape


def initial_shape() -> State:
    return {name: field.annotation for name, field in WorkflowState.model_fields.items()}


def test_every_path_of_the_state_machine_exists_in_the_models() -> None:
    definition, functions = definition_with_functions()
    checker = Checker(functions)
    checker.states(definition, initial_shape())
    assert len(checker.checked) > 80  # the walk reached every nested Map


@pytest.mark.parametrize(("path", "field"), [
    ("$.plan.root.promote.expect", "promote"), ("$.plan.protect", "protect"), ("$.refresh.request.dry_run", "dry_run"),
])
def test_a_renamed_field_fails_the_check(path: str, field: str) -> None:
    # Given the state machine reads a field the models no longer have
    shape = initial_shape()
    renamed = path.replace(field, f"{field}_renamed")
    with pytest.raises(AssertionError, match="names no field"):
        Checker({}).path(shape, renamed, "a state")
    # the original path is fine
    assert Checker({}).path(shape, path, "a state") is not None


def test_the_iteration_context_is_the_task_context() -> None:
    assert field_type(initial_shape(), "context") is TaskContext
