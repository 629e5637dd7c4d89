"""The step sentences the fuzzer plays: each one a sentence of the step library, with the
keyword it is written under, the step function that carries it out and the rules it
exercises. A played sentence renders to the very line a ``.feature`` file holds."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_bdd import parsers
from pytest_bdd.steps import step_function_context_registry

from harness.fuzz._outcome import OK, Outcome
from harness.steps import clock, dso, mail, sevis, src, student

StepFunction = Callable[..., None]


@dataclass(frozen=True)
class Sentence:
    """One sentence of the step library as the fuzzer uses it."""

    keyword: str  # "Given", "When" or "Then": the type pytest-bdd registered it under
    template: str  # the sentence with {placeholders} for its arguments
    function: StepFunction  # the step function: function(world, **arguments)
    rules: tuple[str, ...] = ()  # catalog rule ids the sentence exercises
    plural: str = ""  # argument whose value "1" renders "time" rather than "times"

    def render(self, arguments: Mapping[str, Any]) -> str:
        text = self.template.format(**arguments)
        if self.plural and str(arguments[self.plural]) != "1":
            text += "s"
        return text

    def __repr__(self) -> str:
        return f"<{self.keyword} {self.template}>"


@dataclass(frozen=True)
class PlayedStep:
    """A sentence with its arguments, as played in one example; ``refusal`` is what the
    reference answered when it did not simply carry the step out."""

    sentence: Sentence
    arguments: Mapping[str, Any] = field(default_factory=dict)
    reference_outcome: Outcome = OK

    @property
    def keyword(self) -> str:
        return self.sentence.keyword

    @property
    def text(self) -> str:
        return self.sentence.render(self.arguments)

    def play(self, world: Any) -> None:
        self.sentence.function(world, **self.arguments)

    def __repr__(self) -> str:
        return f"{self.keyword} {self.text}"


def _given(function: StepFunction, *rules: str) -> Sentence:
    return Sentence("Given", library_sentence("given", function), function, rules)


def _when(function: StepFunction, *rules: str) -> Sentence:
    return Sentence("When", library_sentence("when", function), function, rules)


def _then(function: StepFunction, *rules: str) -> Sentence:
    return Sentence("Then", library_sentence("then", function), function, rules)


_FORMAT_SPEC = re.compile(r"\{(\w+):[^{}]*\}")  # "{days:d}" -> "{days}"


def library_sentence(kind: str, function: StepFunction) -> str:
    """The words pytest-bdd registered ``function`` under as a ``kind`` step: the step
    library is their one home. Of several sentences, the shortest (the plain form: "sees",
    not "still sees"). A step written as a regular expression has no words to take here;
    its ``Sentence`` spells them, and tests/fuzz/test_sentences.py holds every sentence,
    these included, to the library."""
    registered = [
        context.parser.name
        for context in step_function_context_registry.values()
        if context.step_func is function
        and context.type == kind
        and isinstance(context.parser, (parsers.parse, parsers.string))
    ]
    if not registered:
        raise LookupError(f"no {kind} sentence in words for {function.__qualname__}")
    return _FORMAT_SPEC.sub(r"{\1}", min(registered, key=len))


# --- how an example starts ------------------------------------------------------------
PENDING = _given(student.pending_student)
APPROVED = _given(student.approved_student, "approval-sends-creation-email")
REGISTERED = _given(student.registered_student)
LOGGED_IN = _given(student.logged_in_student)
ANOTHER_STUDENT = _given(student.another_logged_in_student, "no-cross-student-access")

# --- SEVIS and USCIS ---------------------------------------------------------------------
USCIS_APPROVES = _when(sevis.uscis_approves, "approval-sends-creation-email")
PENDING_PAST_START = _given(sevis.pending_past_start, "src-correction-sends-creation-email")
STEM_PENDING = _given(sevis.stem_pending, "stem-pending-edit")
STEM_DENIED = _when(sevis.uscis_denies_stem, "stem-denial-deletes")
TRANSMISSION_FAILS = _given(sevis.next_transmission_fails, "failed-transmission-escalated")
TRANSMISSION_TWICE = _given(sevis.next_transmission_twice, "notice-once-per-event")
DAILY_SYNC = _when(sevis.daily_sync)

# --- the DSO -------------------------------------------------------------------------------
DSO_RESETS = _when(dso.dso_resets, "reset-action-offered", "dso-reset-unlocks")
EMAIL_TYPO = _given(dso.email_typo, "wrong-email-resend")
EMAIL_CORRECTED = _when(dso.dso_corrects_email, "wrong-email-resend")
DSO_RESTORES = _when(dso.dso_restores, "dso-restores-employer")
DSO_STEM_EMPLOYER = _when(dso.dso_enters_stem_employer, "stem-employer-by-dso")
TRANSFER = _when(dso.dso_transfer, "transfer-new-program")
LEVEL_CHANGE = _when(dso.dso_level_change, "level-change-new-program")
COMPLETED_EARLY = _when(dso.dso_completes_early, "early-completion-six-months")

# --- the SRC ---------------------------------------------------------------------------------
REPORT_FAILED_TRANSMISSION = _when(src.report_failed_transmission, "src-report-opens-ticket")
SRC_RETRANSMITS = _when(src.src_retransmits, "failed-transmission-escalated")
SRC_RESETS = _when(src.src_resets, "src-unlocks")
SRC_CORRECTS = _when(src.src_corrects, "src-correction-sends-creation-email")

# --- the student -----------------------------------------------------------------------------
REGISTERS = _given(student.registered_with_link, "registration-link-single-use")
LOGS_IN = _when(student.logs_in, "attestation-first")
WRONG_PASSWORD = Sentence(  # a regular expression in the library ("times?")
    "When",
    "the student logs in with a wrong password {times} time",
    student.wrong_password,
    ("lock-after-failed-logins",),
    plural="times",
)
RESET_BUTTON = _when(student.password_reset_button, "self-reset-unlocks")
FOLLOWS_RESET_LINK = _when(student.follow_reset_link, "self-reset-unlocks")
ADDS_EMPLOYER = _when(student.adds_employer, "employer-validation")
REPORTS_EMPLOYER_TODAY = _when(student.reports_employer_today, "unemployment-counter")
DELETES_CONFIRMING = _when(student.delete_with_confirmation, "delete-recorded")
DELETES_UNCONFIRMED = _when(student.delete_without_confirmation, "delete-needs-confirmation")
OTHER_DELETES = _when(student.other_student_deletes, "no-cross-student-access")
CHANGES_JOB_TITLE = _when(student.change_job_title, "stem-pending-edit")
CHANGES_PHONE = _when(student.change_phone, "contact-change-reaches-sevis")
CHANGES_ADDRESS_BADLY = _when(student.change_address_badly, "contact-validation")

# --- the clock -------------------------------------------------------------------------------
DAYS_PASS = _when(clock.days_pass, "inactivity-lock")
DAYS_PASS_LOGGING_IN = _when(clock.days_pass_logging_in)
OPT_END_PASSED = _given(clock.post_completion_end_passed, "closure-notices")
SIX_MONTHS = _when(clock.time_passes_to_logging_in, "closure-notices")

# --- checks a written scenario ends with (never played as rules) ----------------------------
SEES_EMPLOYER = _then(student.sees_employer)
DOES_NOT_SEE_EMPLOYER = _then(student.does_not_see_employer)
SEES_NO_EMPLOYERS = _then(student.sees_no_employers)
STILL_SEES_AUTHORIZATION = _then(student.still_sees_authorization_of)
SEES_NO_AUTHORIZATION_OF = _then(student.sees_no_authorization_of)
SEES_NO_AUTHORIZATION = _then(student.sees_no_authorization)
EXACTLY_ONE_EMAIL = _then(mail.exactly_one)
NEW_EMAIL = _then(mail.new_one_received)
DELETED_UNREAD = _given(mail.deleted_unread)
NO_EMAIL = _then(mail.none_received)
EMAIL_IN_JUNK = _then(mail.in_junk)
PORTAL_REFUSES = _then(student.portal_refuses)
CANNOT_LOG_IN = _then(student.cannot_log_in)
CAN_LOG_IN = _then(student.can_log_in)
VIEWING_EMPLOYERS_REFUSED = _then(student.viewing_employers_refused)
DATA_WENT_TO_PORTAL = _then(sevis.data_went_to_portal)
TRANSMISSION_FAILED = _then(sevis.transmission_failed)
UNEMPLOYMENT_SHOWS = _then(student.unemployment_shows)
HISTORY_SHOWS_DELETION = _then(student.history_shows_deletion)

#: Every sentence the fuzzer may write, for the test that checks each one against the
#: step library (right keyword, same words).
SENTENCES: tuple[Sentence, ...] = tuple(
    value for value in dict(globals()).values() if isinstance(value, Sentence)
)
