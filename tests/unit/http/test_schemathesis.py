"""schemathesis against the reference app, served over HTTP: no 5xx, every answer as the
contract documents it, and input that breaks the contract answered with a 4xx that
changes nothing. Bounded: a few dozen cases per operation, seconds in all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a test dependency")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fixtures.factories import DataFactory  # noqa: E402
from harness.contract import load_contract  # noqa: E402
from harness.targets import in_memory_world  # noqa: E402
from harness.world import StudentActor, World  # noqa: E402
from simulators.common.domain import OptType  # noqa: E402
from simulators.common.serving import ServedApp, serve_in_thread  # noqa: E402
from simulators.portal.app import create_app  # noqa: E402

SCHEMA = schemathesis.openapi.from_dict(load_contract())
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}
#: The control API's writes wipe or move the portal: exercised by every scenario run instead.
#: Re-pointing moves the portal's outbound wiring: tested in tests/unit/http/test_repoint.py.
CONTROL_WRITES = {"POST /_harness/reset", "PUT /_harness/clock", "PUT /_harness/simulators"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 15
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same cases every run: CI stays repeatable
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Reference:
    world: World
    student: StudentActor
    served: ServedApp

    def session(self) -> str:
        """A fresh logged-in session (a case may end the one before)."""
        self.world.log_in(self.student)
        assert self.student.session is not None
        return self.student.session

    def an_employer_id(self) -> str:
        session = self.session()
        found = self.world.portal.employers(session)
        if not found:
            entered = self.world.employer_input(self.student, "Schema Labs")
            return self.world.portal.add_employer(session, entered).employer_id
        return found[0].employer_id

    def state(self) -> tuple[Any, ...]:
        """What a refused request must leave as it was: the student's every view and
        what SEVIS heard from the portal."""
        portal, sevis_id = self.world.portal, self.student.sevis_id
        session = self.session()
        return (
            portal.profile(session),
            portal.employers(session),
            portal.authorizations(session),
            [e for e in portal.history(session) if "log" not in e.summary.lower()],
            self.world.sevis.student_change_list(sevis_id=sevis_id),
            len(self.world.sevis.transmissions(sevis_id)),
        )


@pytest.fixture(scope="module")
def reference() -> Iterator[Reference]:
    world = in_memory_world(DataFactory(seed=20260105, namespace="schemathesis"))
    student = world.enroll_student()
    world.request_opt(student, OptType.POST_COMPLETION, pending=True)
    world.approve_by_uscis(student, OptType.POST_COMPLETION)
    world.register(student)
    app = create_app(world.portal, clock=world.clock, secrets=None)
    with serve_in_thread(app) as served:
        yield Reference(world, student, served)


def _strategy(reference: Reference, label: str, mode: str) -> Any:
    # ``mode`` is a GenerationMode (a StrEnum, which mypy's Python 3.10 target sees as str)
    operation = OPERATIONS[label]
    path_parameters = None
    if "{employer_id}" in operation.path and mode == GenerationMode.POSITIVE:
        path_parameters = {"employer_id": reference.an_employer_id()}
    return operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)


def _call(reference: Reference, case: Any, mode: str) -> Any:
    """Send ``case`` as the logged-in student; a negative case that brings its own (broken)
    Authorization keeps it, as that may be the only thing it breaks."""
    headers: dict[str, str] = {}
    if mode == GenerationMode.POSITIVE or "Authorization" not in (case.headers or {}):
        headers["Authorization"] = f"Bearer {reference.session()}"
    return case.call(base_url=reference.served.url, headers=headers, timeout=5)


def _takes_input(label: str) -> bool:
    operation = OPERATIONS[label]
    definition = operation.definition.raw
    return bool(definition.get("requestBody") or definition.get("parameters"))


READ_AND_WRITE = sorted(set(OPERATIONS) - CONTROL_WRITES)
#: Negative cases need something to break: a body or a parameter (the session aside).
CASES = [(label, GenerationMode.POSITIVE) for label in READ_AND_WRITE] + [
    (label, GenerationMode.NEGATIVE) for label in READ_AND_WRITE if _takes_input(label)
]


@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{lb}-{m}" for lb, m in CASES])
def test_the_reference_answers_as_documented(reference: Reference, label: str, mode: str) -> None:
    @SETTINGS
    @given(case=_strategy(reference, label, mode))
    def answers_as_documented(case: Any) -> None:
        case.validate_response(_call(reference, case, mode), checks=CHECKS)

    answers_as_documented()


WRITES = sorted(
    label
    for label in set(OPERATIONS) - CONTROL_WRITES
    if label.split()[0] in {"POST", "PUT", "PATCH", "DELETE"} and _takes_input(label)
)


@pytest.mark.parametrize("label", WRITES)
def test_bad_input_is_a_4xx_and_changes_nothing(reference: Reference, label: str) -> None:
    @SETTINGS
    @given(case=_strategy(reference, label, GenerationMode.NEGATIVE))
    def refused_without_effect(case: Any) -> None:
        before = reference.state()
        answer = _call(reference, case, GenerationMode.NEGATIVE)
        assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
        media_types = answer.headers.get("content-type") or [""]  # a list per header
        assert media_types[0].startswith("application/problem+json"), media_types
        assert reference.state() == before, f"{label} changed state on {answer.status_code}"

    refused_without_effect()
