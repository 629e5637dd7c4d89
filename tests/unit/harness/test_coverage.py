"""Coverage measurement: what counts as covered, and what does not."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from harness.catalog import RULES, RULES_BY_ID
from harness.cli import main
from harness.coverage import (
    FAQ_SENTENCES,
    ExclusionsError,
    FieldLevel,
    RecordingPortal,
    ScenarioCoverage,
    contract_inventory,
    load_exclusions,
)
from harness.coverage._model import ACCOUNT, Move, StateFact, moves
from harness.coverage._recording import DriverCall
from harness.coverage._tally import StepMark, note_calls
from simulators.common.contract import (
    ContactUpdate,
    EmployerEdit,
    EmployerInput,
    ErrorCode,
    PortalError,
)

# --- the contract's inventory -----------------------------------------------------------


def test_the_writable_fields_are_the_members_of_the_students_request_bodies() -> None:
    writable = {f.key for f in contract_inventory().fields if f.writable}
    expected = {
        f"{operation}.{member.name}"
        for operation, body in (
            ("update_contact", ContactUpdate),
            ("add_employer", EmployerInput),
            ("edit_employer", EmployerEdit),
        )
        for member in fields(body)
    }
    assert writable == expected


def test_each_write_is_checked_in_the_view_that_answers_its_schema() -> None:
    views = {f.operation: f.view for f in contract_inventory().fields if f.writable}
    assert views == {
        "update_contact": "profile",
        "add_employer": "employers",
        "edit_employer": "employers",
    }


def test_the_success_code_comes_first() -> None:
    inventory = contract_inventory()
    assert inventory.operation("login").success == 201
    assert inventory.operation("register").success == 204
    assert inventory.operation("add_employer").responses[0] == 201


# --- following a field from the write to the checks --------------------------------------

EMPLOYER = {"employer_id": "E1", "supervisor_email": "boss@example.com", "job_title": "Analyst"}


def _marks(*kinds: tuple[int, str, str]) -> list[StepMark]:
    return [StepMark(first, kind, sentence) for first, kind, sentence in kinds]


def _levels(calls: list[DriverCall], marks: list[StepMark]) -> dict[str, set[str]]:
    coverage = ScenarioCoverage("Feature: scenario")
    note_calls(coverage, calls, marks)
    return coverage.fields


def _edit(value: str, status: int = 200) -> DriverCall:
    return DriverCall("edit_employer", status, {"supervisor_email": value}, EMPLOYER)


def test_a_field_sent_read_back_in_a_then_step_and_checked_in_sevis_is_covered() -> None:
    calls = [_edit("boss@example.com"), DriverCall("employers", 200, None, [EMPLOYER])]
    marks = _marks(
        (0, "when", "the student edits"),
        (1, "then", "the student sees it"),
        (2, "then", "SEVIS holds it"),
    )
    levels = _levels(calls, marks)
    key = "edit_employer.supervisor_email"
    assert all(
        key in levels[level] for level in (FieldLevel.SENT, FieldLevel.SEEN, FieldLevel.IN_SEVIS)
    )


def test_a_field_never_read_back_is_only_sent() -> None:
    levels = _levels([_edit("boss@example.com")], _marks((0, "when", "x"), (1, "then", "SEVIS y")))
    assert levels == {FieldLevel.SENT: {"edit_employer.supervisor_email"}}


def test_a_read_in_a_given_step_or_of_another_value_checks_nothing() -> None:
    calls = [
        _edit("boss@example.com"),
        DriverCall("employers", 200, None, [EMPLOYER]),
        DriverCall("employers", 200, None, [{**EMPLOYER, "supervisor_email": "other@x.org"}]),
    ]
    marks = _marks((0, "given", "a"), (1, "given", "b"), (2, "then", "SEVIS c"))
    assert FieldLevel.SEEN not in _levels(calls, marks)


def test_a_refused_write_or_a_default_value_sends_nothing() -> None:
    marks = _marks((0, "when", "a"), (2, "then", "b"))
    assert _levels([_edit("boss@example.com", status=422)], marks) == {}
    assert _levels([DriverCall("update_contact", 200, {"phone": None}, {})], marks) == {}


def test_responses_are_attributed_to_the_operation_and_status() -> None:
    coverage = ScenarioCoverage("Feature: scenario")
    note_calls(coverage, [DriverCall("login", 423), DriverCall("attest", None)], [])
    assert coverage.responses == {"login 423"}


# --- recording in memory ---------------------------------------------------------------------


class _Portal:
    def login(self, email: str, password: str) -> str:
        raise PortalError(ErrorCode.ACCOUNT_LOCKED, "locked")

    def register(self, token: str, sevis_id: str, password: str) -> None:
        return None

    def __repr__(self) -> str:
        return "_Portal()"


def test_the_recording_portal_names_each_outcome_as_the_contract_does() -> None:
    portal = RecordingPortal(_Portal())  # type: ignore[arg-type]
    portal.register("t", "N0000000001", "pw")
    with pytest.raises(PortalError):
        portal.login("a@b.c", "pw")
    assert [(c.operation, c.status) for c in portal.calls] == [("register", 204), ("login", 423)]
    assert portal.calls[0].sent == {"token": "t", "sevis_id": "N0000000001", "password": "pw"}


# --- the model's states ---------------------------------------------------------------------


def test_a_move_names_the_states_before_and_after() -> None:
    before = frozenset({StateFact(ACCOUNT, "N1", "registered")})
    after = frozenset({StateFact(ACCOUNT, "N1", "locked by failures")})
    assert moves(before, after) == [Move(ACCOUNT, ("registered",), ("locked by failures",))]
    assert moves(before, after)[0].transition == "registered -> locked by failures"
    assert moves(frozenset(), before)[0].transition == "(new) -> registered"
    assert moves(before, before) == []


# --- exclusions and the FAQ ---------------------------------------------------------------


def test_the_exclusions_file_gives_a_reason_for_every_entry() -> None:
    assert all(reason for table in load_exclusions().values() for reason in table.values())


def test_an_exclusion_without_a_reason_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "exclusions.yaml"
    path.write_text("responses:\n  login 400: ''\n", encoding="utf-8")
    with pytest.raises(ExclusionsError, match="gives no reason"):
        load_exclusions(path)


def test_every_faq_sentence_names_known_rules_of_its_item() -> None:
    for sentence in FAQ_SENTENCES:
        assert sentence.rules, sentence.key
        for rule_id in sentence.rules:
            assert sentence.item in RULES_BY_ID[rule_id].faq, (sentence.key, rule_id)


def test_every_faq_rule_checks_a_sentence_and_every_item_has_one() -> None:
    mapped = {rule_id for sentence in FAQ_SENTENCES for rule_id in sentence.rules}
    assert {rule.rule_id for rule in RULES if rule.faq} <= mapped
    assert {sentence.item for sentence in FAQ_SENTENCES} == set(range(1, 11))


def test_rules_faq_lists_every_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--faq"]) == 0
    out = capsys.readouterr().out
    assert f"{len(FAQ_SENTENCES)} of {len(FAQ_SENTENCES)} checked" in out
    assert "| 8e | If a student is denied STEM OPT" in out
