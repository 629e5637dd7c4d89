"""The fuzzer's runs add their visits to the domain model's states (docs/coverage.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.coverage import MODEL_STATES, ModelStateVisits, model_states
from harness.coverage._model import _held
from harness.fuzz import REFERENCE, fuzz
from harness.fuzz._settings import CI_SEED
from harness.world import World


def test_a_fuzz_run_counts_the_model_states_the_reference_visited(tmp_path: Path) -> None:
    report = fuzz(REFERENCE, steps=300, seed=CI_SEED, out_dir=tmp_path)
    known = {f"{machine}: {state}" for machine, states in MODEL_STATES.items() for state in states}
    visited = report.coverage.model_states
    assert {"account: registered", "OPT request: Approved", "program record: Active"} <= visited
    assert visited <= known
    assert f"domain states visited (docs/coverage.md): {len(visited)}" in report.summary()


def test_visits_work_out_only_unvisited_states_yet_count_what_reads_from_scratch_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After every step, any choice of states asked for gives the full read's facts among
    them (a closed account is never "registered", asked alone or not), and the visits
    end equal to the union of every step's read from scratch."""
    from_scratch: set[str] = set()
    mismatches: list[str] = []
    visit = ModelStateVisits.visit
    nothing: dict[str, tuple[str, ...]] = {machine: () for machine in MODEL_STATES}
    alone = [
        {**nothing, machine: (state,)}
        for machine, states in MODEL_STATES.items()
        for state in states
    ]

    def visit_checked(self: ModelStateVisits, world: World) -> None:
        from_scratch.update(model_states(world))
        everything = set(_held(world, MODEL_STATES))
        for wanted in [*alone, self._unvisited]:
            among = {fact for fact in everything if fact[2] in wanted[fact[0]]}
            if set(_held(world, wanted)) != among:  # a finding to the fuzzer: kept aside
                mismatches.append(f"asked for {wanted}: {set(_held(world, wanted)) ^ among}")
        visit(self, world)

    monkeypatch.setattr(ModelStateVisits, "visit", visit_checked)
    report = fuzz(REFERENCE, steps=400, seed=1, out_dir=tmp_path)
    assert report.failures == []
    assert mismatches == []
    assert "account: closed" in from_scratch
    assert report.coverage.model_states == from_scratch
