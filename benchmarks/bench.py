"""Benchmarks with their targets, measured as ratios within one run (the machines are
shared and noisy, so no test asserts a time). Prints every figure; exits 0.

    python benchmarks/bench.py            # every benchmark
    python benchmarks/bench.py suite      # only the in-memory suite
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness.suite import SUITE_DIR

ROUNDS = 3


def _median_seconds(run: Callable[[], None], rounds: int = ROUNDS) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _pytest(*args: str) -> Callable[[], None]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]

    def run() -> None:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode not in (0, 5):
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}")

    return run


def bench_suite_in_memory() -> None:
    """Target: the whole suite in memory within 3 times an empty pytest run, same plugins."""
    ini = str(SUITE_DIR / "pytest.ini")
    with tempfile.TemporaryDirectory() as empty:
        Path(empty, "test_nothing.py").write_text("def test_nothing():\n    pass\n")
        baseline = _median_seconds(_pytest(empty, "-c", ini, "--rootdir", empty))
    suite = _median_seconds(_pytest(str(SUITE_DIR), "-c", ini, "--rootdir", str(SUITE_DIR)))
    ratio = suite / baseline
    print(
        f"suite in memory: {suite:.2f} s; empty pytest run with the same plugins: {baseline:.2f} s"
    )
    print(f"  ratio {ratio:.2f} (target <= 3.00): {'met' if ratio <= 3 else 'NOT MET'}")


BENCHMARKS: dict[str, Callable[[], None]] = {"suite": bench_suite_in_memory}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; known: {sorted(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in chosen:
        BENCHMARKS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
