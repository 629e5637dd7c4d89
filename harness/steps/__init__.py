"""The shared step library, grouped by actor. Every sentence is listed, with an example,
in the generated glossary (``portal-harness steps``)."""

from __future__ import annotations

from types import ModuleType

from harness.steps import clock, dso, fields, mail, security, sessions, sevis, src, student

MODULES: tuple[ModuleType, ...] = (
    student,
    sevis,
    dso,
    src,
    mail,
    clock,
    sessions,
    fields,
    security,
)
