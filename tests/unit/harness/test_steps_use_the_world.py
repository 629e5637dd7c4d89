"""Steps speak the domain and reach the portal, SEVIS and the mail only through the world.

A step that calls ``world.portal``, ``world.sevis``, ``world.mail`` or ``world.transport``
itself ties its sentence to one collaborator's interface; the world's verbs are the one
place that knows it. Every step module is read from the source and checked; no step
needs an exception, so there is no allow-list.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fixtures.factories import DataFactory
from harness.drivers.memory import reference_portal
from harness.steps import MODULES
from harness.steps.mail import MailNotes
from harness.steps.student import StudentNotes
from harness.targets import in_memory_world

#: The world's collaborators a step must not reach past it.
COLLABORATORS = frozenset({"portal", "sevis", "mail", "transport"})


def collaborator_reaches(source: str) -> list[tuple[int, str]]:
    """(line, text) of each attribute access named after a collaborator, on any object: the
    world is ``world`` in a step and ``w`` in an action table, so the name is what counts."""
    return [
        (node.lineno, ast.unparse(node))
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in COLLABORATORS
    ]


def step_module_paths() -> list[Path]:
    paths = [Path(module.__file__ or "") for module in MODULES]
    assert all(path.is_file() for path in paths)
    return paths


@pytest.mark.parametrize("path", step_module_paths(), ids=lambda path: path.stem)
def test_no_step_reaches_past_the_world(path: Path) -> None:
    found = [
        f"{path.name}:{line}: {text}"
        for line, text in collaborator_reaches(path.read_text(encoding="utf-8"))
    ]
    assert not found, "steps must use the world's verbs, not its collaborators: " + "; ".join(found)


@pytest.mark.parametrize(
    "line",
    [
        "world.portal.login(email, password)",
        "lambda w, s, session: w.portal.profile(session)",
        "world.sevis.snapshot(student.sevis_id)",
        "world.sevis.src.tickets()",
        "world.mail.messages()",
        "getattr(world.portal, 'probe', None)",
        "world.transport.fail_next()",
    ],
)
def test_the_check_sees_a_reach(line: str) -> None:
    assert collaborator_reaches(line)


@pytest.mark.parametrize(
    "line",
    [
        "world.profile_in(world.session_of(world.student))",
        "world.sevis_record(world.student)",
        "world.mail_wait > 0",
        "student.sevis_id",
        "world.all_mail()",
    ],
)
def test_the_check_passes_a_world_verb(line: str) -> None:
    assert not collaborator_reaches(line)


def test_a_step_modules_notes_last_the_scenario_and_no_longer() -> None:
    """The notes a step module keeps (``World.notes``) are one object for the scenario, and
    a new scenario's world starts them afresh."""
    first, second = (
        in_memory_world(DataFactory(seed=3, namespace=f"notes-{n}"), reference_portal)
        for n in (1, 2)
    )
    first.notes(StudentNotes).unemployment_seen = 5
    first.notes(MailNotes).emails_seen["password reset"] = 1
    assert first.notes(StudentNotes).unemployment_seen == 5
    assert first.notes(MailNotes).emails_seen == {"password reset": 1}
    assert second.notes(StudentNotes) == StudentNotes()
    assert second.notes(MailNotes) == MailNotes()
