"""Readings: declared in GET /_harness/info or a portal profile file, checked key by key,
in force for the run and listed in its report; the reference declares its own."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from harness.drivers.memory import reference_portal
from harness.fuzz._targets import REFERENCE, declared_by, in_memory_target, reference_for
from harness.suite import FEATURES_DIR
from harness.targets import HttpSettings, PreflightError, preflight
from simulators.common.clock import SimulatedClock
from simulators.common.contract import CONTRACT_VERSION
from simulators.common.domain import EarlyCompletionReading, PortalSettings
from simulators.common.notices import DEFAULT_CATALOG, NoticeId
from simulators.common.readings import (
    REFERENCE_READINGS,
    Readings,
    ReadingsError,
    parse_readings,
)
from simulators.common.serving import serve_in_thread
from simulators.mail import InMemoryMailer, MailStore
from simulators.portal import PortalService
from simulators.sevis import SevisService

pytest_plugins = ["pytester"]


@pytest.mark.parametrize(
    ("declaration", "named"),
    [
        ({"mail_delay": 300}, "readings.mail_delay: unknown field"),
        ({"password_reset_link_hours": "48"}, "readings.password_reset_link_hours: expected"),
        ({"password_reset_link_hours": 0}, "password_reset_link_hours: a link lives"),
        ({"notice_subjects": {"account_creation": "Hi"}}, "notice_subjects.account_creation"),
        ({"early_completion": "whenever"}, "readings.early_completion: expected one of"),
        ({"password_special_characters": "ab"}, "password_special_characters"),
        ([], "expected a JSON object"),
    ],
)
def test_a_bad_or_unknown_reading_is_refused_by_name(declaration: object, named: str) -> None:
    with pytest.raises(ReadingsError, match=r"profile\.json") as refused:
        parse_readings(declaration, where="portal profile profile.json")
    assert named in str(refused.value)


def test_undeclared_readings_are_the_references_and_a_profile_overrides_a_declaration() -> None:
    declared = parse_readings({"password_reset_link_hours": 48}, where="info")
    assert declared == Readings(password_reset_link_hours=48)
    profiled = parse_readings(
        {"notice_subjects": {"opt_ended": "OPT ended"}}, where="profile", base=declared
    )
    assert profiled.password_reset_link_hours == 48
    assert profiled.notice_subjects.opt_ended == "OPT ended"
    assert (
        profiled.notice_subjects.access_closed == REFERENCE_READINGS.notice_subjects.access_closed
    )


@pytest.mark.parametrize(
    "readings",
    [
        REFERENCE_READINGS,
        Readings(password_reset_link_hours=48, account_reset_link_hours=72),
        Readings(password_special_characters="!@#$%^&*", password_forbids_user_id=True),
        Readings(inactivity_lock_emailed=True, pending_authorizations_shown=True),
        Readings(early_completion=EarlyCompletionReading.COMPLETION_DATE),
        Readings(session_idle_timeout_minutes=30, session_absolute_lifetime_minutes=720),
        parse_readings({"notice_subjects": {"account_locked": "Locked"}}, where="x"),
    ],
)
def test_the_reference_built_with_readings_declares_them_and_mails_by_them(
    readings: Readings,
) -> None:
    clock = SimulatedClock()
    portal = PortalService(clock, InMemoryMailer(MailStore(clock)), SevisService(clock))
    assert portal.info().readings == REFERENCE_READINGS
    settings = PortalSettings(readings=readings)
    portal = PortalService(clock, InMemoryMailer(MailStore(clock)), SevisService(clock), settings)
    assert portal.info().readings == readings
    locked = portal.notices[NoticeId.ACCOUNT_LOCKED]
    assert (locked.subject, locked.sender) == (
        readings.notice_subjects.account_locked,
        readings.notice_sender,
    )


def _info_app(readings: object) -> Starlette:
    async def info(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "implementation": "vendor",
                "contract_version": CONTRACT_VERSION,
                "clock_control": True,
                "readings": readings,
            }
        )

    return Starlette(routes=[Route("/_harness/info", info)])


def test_a_portal_declaring_an_unknown_reading_stops_the_run_naming_it() -> None:
    unknown = r"readings\.mail_delay_seconds: unknown"
    with (
        serve_in_thread(_info_app({"mail_delay_seconds": 1})) as served,
        pytest.raises(PreflightError, match=unknown),
    ):
        preflight(served.url, HttpSettings())


def test_a_portals_declared_readings_reach_the_harness() -> None:
    with serve_in_thread(_info_app({"password_reset_link_hours": 36})) as served:
        info = preflight(served.url, HttpSettings())
    assert info.readings == Readings(password_reset_link_hours=36)


SUITE = f"""
from pytest_bdd import scenarios
scenarios({str(FEATURES_DIR)!r})
"""


def test_a_bad_profile_file_is_a_preflight_error_naming_the_key(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest('pytest_plugins = ["harness.plugin"]')
    pytester.makepyfile(test_suite=SUITE)
    profile = pytester.makefile(".json", profile=json.dumps({"reset_link_hours": 48}))
    result = pytester.runpytest_inprocess("--harness-portal-profile", str(profile), "-q")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*sevp-harness preflight: portal profile*reset_link_hours*"])


def test_the_report_lists_every_reading_in_force(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["harness.plugin"]')
    pytester.makepyfile(test_suite=SUITE)
    profile = pytester.makefile(
        ".json", profile=json.dumps({"session_absolute_lifetime_minutes": 720})
    )
    result = pytester.runpytest_inprocess(
        "--harness-portal-profile",
        str(profile),
        "--harness-report-dir",
        "out",
        "-q",
        "-m",
        "rule-tokens-single-use",
    )
    assert result.ret == 0, result.outlines[-20:]
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    # the report says what was in force: the profile over the portal's own declaration
    expected = Readings(session_absolute_lifetime_minutes=720).declaration()
    assert report["run"]["readings"] == expected


def test_the_cli_takes_a_portal_profile_and_refuses_a_bad_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "profile.json"
    bad.write_text('{"password_reset_link_hours": -1}')
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "run",
            "--portal-profile",
            str(bad),
            "--tag",
            "faq-2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    assert "password_reset_link_hours" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_the_fuzzer_compares_with_a_reference_reading_as_the_target_declares() -> None:
    assert reference_for(REFERENCE) is REFERENCE
    readings = Readings(inactivity_lock_emailed=True, password_reset_link_hours=48)
    target = in_memory_target(
        partial(reference_portal, settings=PortalSettings(readings=readings)), "v"
    )
    assert declared_by(target) == readings
    assert declared_by(reference_for(target)) == readings


def test_the_vendor_reading_list_names_every_reading_subject_and_simulator_only_rule() -> None:
    from dataclasses import fields

    from harness.catalog import RULES
    from simulators.common.readings import NoticeSubjects

    text = (Path(__file__).parents[2] / "docs" / "readings.md").read_text(encoding="utf-8")
    keys = [f.name for f in fields(Readings) if f.name != "notice_subjects"]
    keys += [f"notice_subjects.{f.name}" for f in fields(NoticeSubjects)]
    assert [key for key in keys if f"`{key}`" not in text] == []
    assert [n.subject for n in DEFAULT_CATALOG if n.subject not in text] == []
    apart = [r.rule_id for r in RULES if r.simulator_only]
    assert apart and [r for r in apart if f"`{r}`" not in text] == []


def test_a_fuzz_finding_about_a_notice_is_tagged_with_the_notices_rule() -> None:
    from harness.fuzz import _sentences as s
    from harness.fuzz._machine import Finding
    from harness.fuzz._observe import Difference, Observation
    from harness.fuzz._outcome import OK
    from harness.fuzz._sentences import PlayedStep
    from harness.fuzz._writer import rules_for

    locked = DEFAULT_CATALOG.subject(NoticeId.ACCOUNT_LOCKED)
    seen = Observation(OK, "no session", (), ())
    finding = Finding(
        trace=(PlayedStep(s.DAYS_PASS, {"days": 90}),),
        side="target",
        differences=(Difference("emails", {("a@x.edu", locked): 1}, {}),),
        violations=(),
        target_observation=seen,
        reference_observation=seen,
    )
    assert set(rules_for(finding)) == {"inactivity-lock", "lock-notice"}


def test_the_harness_makes_passwords_the_narrowest_policy_and_the_declared_one_accept() -> None:
    from fixtures.factories import DataFactory
    from harness.targets import in_memory_world
    from simulators.common.readings import NARROW_SPECIAL_CHARACTERS

    world = in_memory_world(DataFactory(seed=1, namespace="passwords"))
    student = world.enroll_student()
    made = [world.first_password, world.new_password(student)]
    for password in made:
        assert len(password) >= 12 and student.sevis_id not in password
        assert all(c.isalnum() or c in NARROW_SPECIAL_CHARACTERS for c in password), password
        assert any(c in NARROW_SPECIAL_CHARACTERS for c in password)
    world.use_readings(Readings(password_special_characters="~"))
    assert all(c.isalnum() or c == "~" for c in world.first_password)
    assert "~" in world.first_password
