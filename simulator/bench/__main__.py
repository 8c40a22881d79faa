"""`python -m simulator.bench` (`make bench`): run every case, write docs/benchmark.md and print it."""

from __future__ import annotations

import time
from pathlib import Path

from infrastructure.settings import Polling, cdk_json_context
from simulator.bench.cases import cases
from simulator.bench.render import render
from simulator.bench.run import run_case
from simulator.latency import Latency

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OUTPUT = PROJECT_ROOT / "docs" / "benchmark.md"


def main() -> None:
    latency = Latency()
    polling = Polling.model_validate(cdk_json_context().get("polling", {}))
    started = time.perf_counter()
    results = []
    for case in cases():
        results.append(run_case(case, latency))
        print(f"{case.name}: {results[-1].duration_s:.0f} virtual s in {results[-1].real_s:.1f} real s", flush=True)
    markdown = render(results, latency, polling, time.perf_counter() - started)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(markdown)
    print(markdown)
    print(f"written to {OUTPUT.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
