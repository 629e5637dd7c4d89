"""The OpenAPI contract: valid, versioned, routed exactly as the reference app routes, and
its schemas mirror the dataclasses the codec writes."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from harness.contract import OPENAPI_PATH, load_contract
from simulators.common import contract, readings, records, seams, wire
from simulators.common.contract import CONTRACT_VERSION, HTTP_STATUS, ErrorCode
from simulators.common.wire import to_wire
from simulators.portal.app import create_app, routes_of

_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

#: The dataclasses the document describes, by schema name.
SCHEMA_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        records.UsAddress,
        records.AuthorizationRecord,
        records.EmploymentRecord,
        records.StudentRecord,
        records.FieldChange,
        seams.Transmission,
        seams.StudentChange,
        contract.StudentProfile,
        contract.AuthorizationView,
        contract.EmployerView,
        contract.HistoryEntry,
        contract.UnemploymentView,
        contract.EmployerInput,
        contract.EmployerEdit,
        contract.ContactUpdate,
        wire.RegistrationRequest,
        wire.LoginRequest,
        wire.LoginResult,
        wire.PasswordResetRequest,
        wire.PasswordResetCompletion,
        wire.TransmissionReceipt,
        wire.ClockSetting,
        wire.SmtpEndpoint,
        wire.SimulatorEndpoints,
        wire.HarnessInfo,
        readings.NoticeSubjects,
        readings.Readings,
    )
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_contract()


def test_the_document_is_a_valid_openapi_3_1_document(document: dict[str, Any]) -> None:
    assert OPENAPI_PATH.name == "openapi.yaml"
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_document_carries_the_contract_version(document: dict[str, Any]) -> None:
    assert document["info"]["version"] == CONTRACT_VERSION


def test_load_contract_hands_out_copies(document: dict[str, Any]) -> None:
    first = load_contract()
    first["info"]["version"] = "changed"
    assert load_contract()["info"]["version"] == CONTRACT_VERSION


def _documented_routes(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in _METHODS
    }


class _NoService:
    """The drift test only reads the routing table; no call reaches the service."""


def test_every_route_of_the_app_is_documented_and_every_documented_route_is_served(
    document: dict[str, Any],
) -> None:
    served = routes_of(create_app(_NoService(), secrets=None))  # type: ignore[arg-type]
    documented = _documented_routes(document)
    assert served - documented == set(), "served but not in the contract"
    assert documented - served == set(), "in the contract but not served"


def test_operation_ids_name_the_driver_methods(document: dict[str, Any]) -> None:
    from harness.drivers.base import PortalDriver

    driver_methods = {
        name
        for name, member in vars(PortalDriver).items()
        if callable(member) and not name.startswith("_")
    }
    operation_ids = {
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in _METHODS
    }
    # The optional extras are not driver operations (point_simulators is the session's,
    # in harness.targets); every driver operation has its route.
    assert driver_methods <= operation_ids
    assert operation_ids - driver_methods == {"read_clock", "point_simulators"}


def test_the_error_codes_and_their_statuses_are_the_contract_modules(
    document: dict[str, Any],
) -> None:
    schema = document["components"]["schemas"]["ErrorCode"]
    assert schema["enum"] == [code.value for code in ErrorCode]
    assert schema["x-http-status"] == {code.value: HTTP_STATUS[code] for code in ErrorCode}
    wire_schema = document["components"]["schemas"]["WireCode"]
    assert wire_schema["enum"] == [code.value for code in wire.WireCode]
    assert wire_schema["x-http-status"] == {
        code.value: status for code, status in wire.WIRE_HTTP_STATUS.items()
    }


def test_every_error_answer_is_problem_json(document: dict[str, Any]) -> None:
    responses = document["components"]["responses"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            assert "default" in operation["responses"], f"{method} {path} has no default problem"
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")) or status == "default":
                    ref = answer["$ref"].rsplit("/", 1)[-1]
                    content = responses[ref]["content"]
                    assert list(content) == ["application/problem+json"], f"{method} {path}"


# --- schemas mirror the dataclasses -----------------------------------------------------


def _expected_schema(tp: Any) -> dict[str, Any]:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _expected_schema(next(a for a in args if a is not type(None)))
        if "$ref" in inner:
            return {"oneOf": [inner, {"type": "null"}]}
        return {**inner, "type": [inner["type"], "null"]}
    if origin in (tuple, list):
        return {"type": "array", "items": _expected_schema(args[0])}
    if origin is frozenset:
        return {"type": "array", "items": _expected_schema(args[0]), "uniqueItems": True}
    if isinstance(tp, type) and (dataclasses.is_dataclass(tp) or issubclass(tp, Enum)):
        return {"$ref": f"#/components/schemas/{tp.__name__}"}
    return {
        str: {"type": "string"},
        int: {"type": "integer"},
        bool: {"type": "boolean"},
        date: {"type": "string", "format": "date"},
        datetime: {"type": "string", "format": "date-time"},
    }[tp]


def _without_docs(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {
            k: _without_docs(v) for k, v in schema.items() if k not in ("description", "default")
        }
    if isinstance(schema, list):
        return [_without_docs(item) for item in schema]
    return schema


def _unwrap_default(schema: dict[str, Any]) -> dict[str, Any]:
    """``allOf: [$ref]`` is only there to hang a default on a reference."""
    if list(schema) == ["allOf"] and len(schema["allOf"]) == 1:
        return dict(schema["allOf"][0])
    return schema


@pytest.mark.parametrize("name", sorted(SCHEMA_CLASSES))
def test_each_schema_mirrors_its_dataclass_field_for_field(
    document: dict[str, Any], name: str
) -> None:
    cls = SCHEMA_CLASSES[name]
    schema = document["components"]["schemas"][name]
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    assert list(schema["properties"]) == [f.name for f in fields]
    required = [
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    assert schema.get("required", []) == required
    for f in fields:
        documented = _unwrap_default(_without_docs(schema["properties"][f.name]))
        assert documented == _expected_schema(hints[f.name]), f"{name}.{f.name}"
        default = schema["properties"][f.name].get("default", dataclasses.MISSING)
        if default is not dataclasses.MISSING:
            assert default == to_wire(f.default), f"{name}.{f.name} default"


def test_each_enum_schema_lists_the_enum_values(document: dict[str, Any]) -> None:
    from simulators.common import domain

    for enum_cls in (
        domain.OptType,
        domain.OptStatus,
        domain.ProgramStatus,
        domain.EducationLevel,
        domain.EmploymentStatus,
        domain.TimeType,
        contract.HistoryCategory,
        contract.HistoryKind,
        seams.TransmissionKind,
        seams.StudentChangeKind,
    ):
        schema = document["components"]["schemas"][enum_cls.__name__]
        assert schema["enum"] == [member.value for member in enum_cls], enum_cls.__name__


@pytest.mark.parametrize("name", sorted(SCHEMA_CLASSES))
def test_what_the_codec_writes_validates_against_the_schema(
    document: dict[str, Any], name: str, strategy_for: Any
) -> None:
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": document["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )

    @settings(
        max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(strategy_for(SCHEMA_CLASSES[name]))
    def check(value: Any) -> None:
        validator.validate(to_wire(value))

    check()
