"""The wire codec: every contract dataclass survives JSON, and bad input names its field."""

from __future__ import annotations

import dataclasses
import inspect
import json
import types
import typing
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulators.common import contract, records, seams, wire
from simulators.common.contract import (
    HTTP_STATUS,
    EmployerEdit,
    ErrorCode,
    PortalError,
    PortalInfo,
)
from simulators.common.domain import EducationLevel, OptStatus, OptType, ProgramStatus
from simulators.common.records import AuthorizationRecord, StudentRecord, UsAddress
from simulators.common.seams import Transmission, TransmissionKind
from simulators.common.wire import WireError, from_wire, from_wire_list, to_wire

WIRE_MODULES = (records, contract, seams, wire)


def contract_dataclasses() -> list[type]:
    """Every dataclass defined in the modules whose types cross the wire."""
    found = []
    for module in WIRE_MODULES:
        for _, member in inspect.getmembers(module, inspect.isclass):
            if dataclasses.is_dataclass(member) and member.__module__ == module.__name__:
                found.append(member)
    return found


_ZONES = st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]
)


def strategy_for(tp: Any) -> st.SearchStrategy[Any]:
    """Values of any type the contract's dataclasses use (mirrors what the codec supports)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return st.none() | strategy_for(inner)
    if origin is tuple:
        return st.lists(strategy_for(args[0]), max_size=2).map(tuple)
    if origin is list:
        return st.lists(strategy_for(args[0]), max_size=2)
    if origin is frozenset:
        return st.frozensets(strategy_for(args[0]), max_size=3)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return st.builds(
            tp, **{f.name: strategy_for(hints[f.name]) for f in dataclasses.fields(tp) if f.init}
        )
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(list(tp))
    if tp is datetime:
        return st.datetimes(
            min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1), timezones=_ZONES
        )
    if tp is date:
        return st.dates()
    if tp is str:
        return st.text(max_size=12)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers()
    raise TypeError(f"no strategy for {tp!r}: teach the test (and the codec) this type")


def test_the_wire_modules_define_the_expected_dataclasses() -> None:
    names = {cls.__name__ for cls in contract_dataclasses()}
    expected = {"StudentRecord", "Transmission", "StudentChange", "EmployerView", "HarnessInfo"}
    assert expected <= names


@pytest.mark.parametrize("cls", contract_dataclasses(), ids=lambda cls: cls.__name__)
def test_every_contract_dataclass_survives_json(cls: type) -> None:
    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
    )
    @given(strategy_for(cls))
    def round_trip(value: Any) -> None:
        text = json.dumps(to_wire(value), allow_nan=False)
        assert from_wire(cls, json.loads(text)) == value

    round_trip()


def _transmission() -> Transmission:
    address = UsAddress("1 Main St", "Springfield", "IL", "62701")
    record = StudentRecord(
        sevis_id="N0001234567",
        given_name="Ada",
        surname="Lovelace",
        birth_date=date(1999, 12, 10),
        email="ada@example.test",
        us_address=address,
        phone="555-0100",
        program_id="P1",
        program_status=ProgramStatus.ACTIVE,
        education_level=EducationLevel.MASTERS,
        authorizations=(
            AuthorizationRecord(
                "A1",
                OptType.POST_COMPLETION,
                OptStatus.APPROVED,
                date(2026, 1, 1),
                date(2026, 12, 31),
            ),
        ),
    )
    return Transmission(
        "T1", TransmissionKind.OPT_APPROVED, datetime(2026, 1, 5, 9, tzinfo=timezone.utc), record
    )


def test_the_wire_format_is_plain_snake_case_json_with_enum_values_and_iso_dates() -> None:
    data = to_wire(_transmission())
    assert data["kind"] == "opt-approved"
    assert data["sent_at"] == "2026-01-05T09:00:00Z"
    assert data["record"]["birth_date"] == "1999-12-10"
    assert data["record"]["education_level"] == "Master's"
    assert data["record"]["mailing_address"] is None
    assert data["record"]["employers"] == []
    assert data["record"]["authorizations"][0]["opt_type"] == "post-completion"
    json.dumps(data)  # nothing but JSON values


def test_frozensets_travel_as_sorted_arrays() -> None:
    info = PortalInfo("ref", "1.0.0", True, frozenset({"b", "a", "c"}))
    assert to_wire(info)["capabilities"] == ["a", "b", "c"]


def _broken(edit: Any) -> WireError:
    data = to_wire(_transmission())
    edit(data)
    with pytest.raises(WireError) as caught:
        from_wire(Transmission, data)
    return caught.value


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["record"]["us_address"].update(zip_code=62701),
            "record.us_address.zip_code: expected a string, got a number",
        ),
        (
            lambda d: d["record"]["us_address"].pop("city"),
            "record.us_address.city: required field is missing",
        ),
        (
            lambda d: d["record"].update(program_status="Paused"),
            "record.program_status: expected one of 'Active', 'Completed', 'Ended', got 'Paused'",
        ),
        (
            lambda d: d["record"]["authorizations"][0].update(end_date="2026-02-30"),
            "record.authorizations[0].end_date: not a valid date: '2026-02-30'",
        ),
        (
            lambda d: d["record"]["authorizations"][0].update(start_date="01/02/2026"),
            "record.authorizations[0].start_date: expected a date as YYYY-MM-DD",
        ),
        (
            lambda d: d.update(sent_at="2026-01-05T09:00:00"),
            "sent_at: expected an RFC 3339 date-time with an offset",
        ),
        (lambda d: d["record"].update(nickname="Ada"), "record.nickname: unknown field"),
        (lambda d: d["record"].update(employers={}), "record.employers: expected an array"),
        (lambda d: d.update(record=None), "record: expected an object, got null"),
        (lambda d: d.update(transmission_id=["T1"]), "transmission_id: expected a string"),
    ],
)
def test_bad_input_raises_a_wire_error_naming_the_field(edit: Any, message: str) -> None:
    assert str(_broken(edit)).startswith(message)


def test_the_root_of_a_bad_body_is_called_body() -> None:
    with pytest.raises(WireError, match=r"^body: expected an object, got an array"):
        from_wire(Transmission, [])


def test_unknown_fields_are_ignored_only_when_asked() -> None:
    data = {**to_wire(_transmission()), "priority": "high"}
    with pytest.raises(WireError, match="priority: unknown field"):
        from_wire(Transmission, data)
    assert from_wire(Transmission, data, ignore_unknown=True) == _transmission()


def test_missing_members_with_defaults_take_the_default() -> None:
    assert from_wire(EmployerEdit, {"job_title": "Analyst"}) == EmployerEdit(job_title="Analyst")
    assert from_wire(UsAddress, {"street": "s", "city": "c", "state": "IL", "zip_code": "1"}) == (
        UsAddress("s", "c", "IL", "1", "")
    )


def test_null_is_only_accepted_for_optional_fields() -> None:
    assert from_wire(EmployerEdit, {"end_date": None}) == EmployerEdit()
    with pytest.raises(WireError, match="street: expected a string, got null"):
        from_wire(UsAddress, {"street": None, "city": "c", "state": "IL", "zip_code": "1"})


def test_booleans_and_integers_do_not_stand_in_for_each_other() -> None:
    with pytest.raises(WireError, match="clock_control: expected a boolean, got a number"):
        from_wire(PortalInfo, {"implementation": "x", "contract_version": "1", "clock_control": 1})
    with pytest.raises(WireError, match="days_used: expected an integer, got a boolean"):
        data = {"days_used": True, "days_allowed": 90, "as_of": "2026-01-01"}
        from_wire(contract.UnemploymentView, data)


def test_lone_surrogates_are_refused() -> None:
    data = json.loads('{"street": "\\ud800", "city": "c", "state": "IL", "zip_code": "1"}')
    with pytest.raises(WireError, match="street: the string is not valid Unicode"):
        from_wire(UsAddress, data)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05T09:00:00Z", datetime(2026, 1, 5, 9, tzinfo=timezone.utc)),
        ("2026-01-05T04:00:00-05:00", datetime(2026, 1, 5, 9, tzinfo=timezone.utc)),
        ("2026-01-05T09:00:00.5+00:00", datetime(2026, 1, 5, 9, 0, 0, 500000, tzinfo=timezone.utc)),
    ],
)
def test_date_times_with_any_offset_are_read_as_utc(text: str, expected: datetime) -> None:
    parsed = wire.parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


def test_a_naive_date_time_cannot_be_written() -> None:
    with pytest.raises(WireError, match="sent_at: a date-time must be timezone-aware"):
        to_wire(dataclasses.replace(_transmission(), sent_at=datetime(2026, 1, 5)))


def test_lists_decode_item_by_item_with_indexed_paths() -> None:
    address = to_wire(UsAddress("s", "c", "IL", "1"))
    assert from_wire_list(UsAddress, [address]) == [UsAddress("s", "c", "IL", "1")]
    with pytest.raises(WireError, match=r"^\[1\]\.state: expected a string"):
        from_wire_list(UsAddress, [address, {**address, "state": 5}])


def test_a_portal_error_becomes_a_problem_with_its_contract_status() -> None:
    body = wire.portal_error_problem(PortalError(ErrorCode.ACCOUNT_LOCKED, "three failed logins"))
    assert body == {
        "type": wire.PROBLEM_TYPE_BASE + "account-locked",
        "title": wire.PROBLEM_TITLES["account-locked"],
        "status": HTTP_STATUS[ErrorCode.ACCOUNT_LOCKED],
        "code": "account-locked",
        "detail": "three failed logins",
    }


def test_a_wire_error_becomes_a_request_invalid_problem_naming_the_field() -> None:
    body = wire.wire_error_problem(WireError("record.us_address.zip_code", "expected a string"))
    assert body["status"] == 422
    assert body["code"] == "request-invalid"
    assert body["field"] == "record.us_address.zip_code"
    assert body["detail"] == "record.us_address.zip_code: expected a string"


def test_every_code_has_a_title_and_wire_codes_do_not_collide_with_portal_codes() -> None:
    portal_codes = {code.value for code in ErrorCode}
    wire_codes = {code.value for code in wire.WireCode}
    assert not portal_codes & wire_codes
    assert set(wire.PROBLEM_TITLES) == portal_codes | wire_codes
    assert set(wire.WIRE_HTTP_STATUS) == set(wire.WireCode)
