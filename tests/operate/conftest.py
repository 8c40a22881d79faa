"""Fixtures for operating the refresh (notifications, the CLI, the timeline): the example world and input."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "simulator" / "examples"
WORLD: dict[str, Any] = json.loads((EXAMPLES / "world-example.json").read_text())
INPUT: dict[str, Any] = json.loads((EXAMPLES / "input-example.json").read_text())


@pytest.fixture
def world() -> dict[str, Any]:
    return copy.deepcopy(WORLD)


@pytest.fixture
def execution_input() -> dict[str, Any]:
    return copy.deepcopy(INPUT)
