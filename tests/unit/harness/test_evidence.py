"""Secrets are masked by value, whatever their shape, and each run looks for its own."""

from __future__ import annotations

from datetime import timedelta

from fixtures.factories import DataFactory
from harness.evidence import MASK, Evidence, KnownSecrets
from harness.targets import in_memory_world


def test_word_shaped_and_symbol_secrets_are_masked_wherever_they_stand() -> None:
    known = KnownSecrets()
    known.remember(["Zq9-secret_session", "hunter2-Portal!", "hunter2-Portal!-longer", None, "abc"])
    text = (
        '{"session": "Zq9-secret_session"} ?token=Zq9-secret_session& '
        "typed hunter2-Portal!-longer then hunter2-Portal! (abc stays)"
    )
    assert known.mask(text) == (
        f'{{"session": "{MASK}"}} ?token={MASK}& typed {MASK} then {MASK} (abc stays)'
    )


def test_many_secrets_across_batches_are_all_masked() -> None:
    known = KnownSecrets()
    symbols = [f"Pass!{n:03d}-x" for n in range(KnownSecrets.BATCH * 2 + 5)]
    words = [f"session{n:05d}" for n in range(500)]
    known.remember(symbols)
    known.remember(words)
    text = " ".join(symbols + words)
    assert set(known.mask(text).split()) == {MASK}
    assert len(known) == len(symbols) + len(words)


def test_a_new_run_forgets_the_last_runs_secrets() -> None:
    known = KnownSecrets()
    known.remember(["old-run-session-1", "Old!password"])
    known.forget()
    assert known.mask("old-run-session-1 Old!password") == "old-run-session-1 Old!password"
    assert len(known) == 0


def test_a_line_noted_later_is_written_and_masked_when_read_and_counts_against_the_limit() -> None:
    written: list[str] = []

    def write() -> str:
        written.append("once")
        return "clock moved ?token=abc123 later"

    evidence = Evidence(limit=2)
    evidence.note("first")
    evidence.note_later(write)
    evidence.note_later(write)  # beyond the limit: dropped, as a noted line would be
    assert written == []
    assert list(evidence.lines()) == ["first", f"clock moved ?token={MASK} later"]
    assert list(evidence.lines()) == ["first", f"clock moved ?token={MASK} later"]
    assert written == ["once"]


def test_a_world_notes_each_clock_move_in_its_evidence() -> None:
    world = in_memory_world(DataFactory(seed=1, namespace="clock-evidence"))
    before = world.clock.now()
    world.advance(timedelta(days=2, hours=3))
    after = before + timedelta(days=2, hours=3)
    assert (
        f"clock moved {before:%Y-%m-%d %H:%M} -> {after:%Y-%m-%d %H:%M}" in world.evidence.lines()
    )
