"""The step sentences the fuzzer plays: each one a sentence of the step library, with the
keyword it is written under, the step function that carries it out and the rules it
exercises. A played sentence renders to the very line a ``.feature`` file holds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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
    reference_outcome: str = "ok"

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


def _given(template: str, function: StepFunction, *rules: str, plural: str = "") -> Sentence:
    return Sentence("Given", template, function, rules, plural)


def _when(template: str, function: StepFunction, *rules: str, plural: str = "") -> Sentence:
    return Sentence("When", template, function, rules, plural)


def _then(template: str, function: StepFunction, *rules: str) -> Sentence:
    return Sentence("Then", template, function, rules)


# --- how an example starts ------------------------------------------------------------
PENDING = _given("a student whose {opt} OPT request is pending with USCIS", student.pending_student)
APPROVED = _given(
    "a student on {opt} OPT approved by USCIS",
    student.approved_student,
    "approval-sends-creation-email",
)
REGISTERED = _given("a registered student on {opt} OPT", student.registered_student)
LOGGED_IN = _given("a logged-in student on {opt} OPT", student.logged_in_student)
ANOTHER_STUDENT = _given(
    "another logged-in student on {opt} OPT",
    student.another_logged_in_student,
    "no-cross-student-access",
)

# --- SEVIS and USCIS ---------------------------------------------------------------------
USCIS_APPROVES = _when(
    "USCIS approves the OPT request", sevis.uscis_approves, "approval-sends-creation-email"
)
PENDING_PAST_START = _given(
    "USCIS approved the request but SEVIS still shows it pending past the OPT start date",
    sevis.pending_past_start,
    "src-correction-sends-creation-email",
)
STEM_PENDING = _given(
    "the student's STEM OPT extension is pending with USCIS",
    sevis.stem_pending,
    "stem-pending-edit",
)
STEM_DENIED = _when(
    "USCIS denies the STEM OPT extension", sevis.uscis_denies_stem, "stem-denial-deletes"
)
TRANSMISSION_FAILS = _given(
    "the next transmission to the portal fails",
    sevis.next_transmission_fails,
    "failed-transmission-escalated",
)
TRANSMISSION_TWICE = _given(
    "the next transmission to the portal is delivered twice",
    sevis.next_transmission_twice,
    "notice-once-per-event",
)
DAILY_SYNC = _when("the daily sync from SEVIS to the portal runs", sevis.daily_sync)

# --- the DSO -------------------------------------------------------------------------------
DSO_RESETS = _when(
    "the DSO uses Reset Portal Account", dso.dso_resets, "reset-action-offered", "dso-reset-unlocks"
)
EMAIL_TYPO = _given(
    "the student's email address in SEVIS has a typo", dso.email_typo, "wrong-email-resend"
)
EMAIL_CORRECTED = _when(
    "the DSO corrects the student's email address in SEVIS",
    dso.dso_corrects_email,
    "wrong-email-resend",
)
DSO_RESTORES = _when(
    'the DSO retrieves the deleted employment "{name}" in SEVIS and restores it',
    dso.dso_restores,
    "dso-restores-employer",
)
DSO_STEM_EMPLOYER = _when(
    'the DSO enters the STEM employer "{name}" in SEVIS',
    dso.dso_enters_stem_employer,
    "stem-employer-by-dso",
)
TRANSFER = _when(
    "the DSO records the student's transfer to another school",
    dso.dso_transfer,
    "transfer-new-program",
)
LEVEL_CHANGE = _when(
    "the DSO records the student's change of education level",
    dso.dso_level_change,
    "level-change-new-program",
)
COMPLETED_EARLY = _when(
    "the DSO completes the student's record {days} days before the authorized OPT end date",
    dso.dso_completes_early,
    "early-completion-six-months",
)

# --- the SRC ---------------------------------------------------------------------------------
REPORT_FAILED_TRANSMISSION = _when(
    "the DSO reports the failed transmission to the SRC with the student's name and SEVIS ID",
    src.report_failed_transmission,
    "src-report-opens-ticket",
)
SRC_RETRANSMITS = _when(
    "the SRC resolves the ticket by re-transmitting the student's data",
    src.src_retransmits,
    "failed-transmission-escalated",
)
SRC_RESETS = _when(
    "the SRC resolves the ticket by resetting the portal account", src.src_resets, "src-unlocks"
)
SRC_CORRECTS = _when(
    'the SRC corrects the OPT status to "{status}"',
    src.src_corrects,
    "src-correction-sends-creation-email",
)

# --- the student -----------------------------------------------------------------------------
REGISTERS = _given(
    'the student registered with the link in the newest "{notice}" email',
    student.registered_with_link,
    "registration-link-single-use",
)
LOGS_IN = _when("the student logs in", student.logs_in, "attestation-first")
WRONG_PASSWORD = _when(
    "the student logs in with a wrong password {times} time",
    student.wrong_password,
    "lock-after-failed-logins",
    plural="times",
)
RESET_BUTTON = _when(
    "the student uses the password reset button",
    student.password_reset_button,
    "self-reset-unlocks",
)
FOLLOWS_RESET_LINK = _when(
    'the student follows the link in the "{notice}" email and sets a new password',
    student.follow_reset_link,
    "self-reset-unlocks",
)
ADDS_EMPLOYER = _when(
    'the student adds the employer "{name}"', student.adds_employer, "employer-validation"
)
REPORTS_EMPLOYER_TODAY = _when(
    "the student reports an employer starting today",
    student.reports_employer_today,
    "unemployment-counter",
)
DELETES_CONFIRMING = _when(
    'the student deletes the employer "{name}" confirming they never worked there',
    student.delete_with_confirmation,
    "delete-recorded",
)
DELETES_UNCONFIRMED = _when(
    'the student deletes the employer "{name}" without confirming they never worked there',
    student.delete_without_confirmation,
    "delete-needs-confirmation",
)
OTHER_DELETES = _when(
    'the other student deletes the employer "{name}" of the first student, confirming',
    student.other_student_deletes,
    "no-cross-student-access",
)
CHANGES_JOB_TITLE = _when(
    'the student changes the job title at "{name}" to "{title}"',
    student.change_job_title,
    "stem-pending-edit",
)
CHANGES_PHONE = _when(
    "the student changes their phone number",
    student.change_phone,
    "contact-change-reaches-sevis",
)
CHANGES_ADDRESS_BADLY = _when(
    "the student changes their address to one with {problem}",
    student.change_address_badly,
    "contact-validation",
)

# --- the clock -------------------------------------------------------------------------------
DAYS_PASS = _when("{days} days pass", clock.days_pass, "inactivity-lock")
DAYS_PASS_LOGGING_IN = _when(
    "{days} days pass, the student logging in monthly", clock.days_pass_logging_in
)
OPT_END_PASSED = _given(
    "the post-completion OPT end date has passed with the student logging in monthly",
    clock.post_completion_end_passed,
    "closure-notices",
)
SIX_MONTHS = _when(
    "time passes to the day {side} six months after the {which} date, "
    "the student logging in monthly",
    clock.time_passes_to_logging_in,
    "closure-notices",
)

# --- checks a written scenario ends with (never played as rules) ----------------------------
SEES_EMPLOYER = _then('the student sees the employer "{name}"', student.sees_employer)
DOES_NOT_SEE_EMPLOYER = _then(
    'the student does not see the employer "{name}"', student.does_not_see_employer
)
SEES_NO_EMPLOYERS = _then("the student sees no employers", student.sees_no_employers)
STILL_SEES_AUTHORIZATION = _then(
    'the student still sees a "{label}" authorization', student.still_sees_authorization_of
)
SEES_NO_AUTHORIZATION_OF = _then(
    'the student sees no "{label}" authorization', student.sees_no_authorization_of
)
SEES_NO_AUTHORIZATION = _then(
    "the student sees no OPT authorization", student.sees_no_authorization
)
EXACTLY_ONE_EMAIL = _then('the student receives exactly one "{notice}" email', mail.exactly_one)
NEW_EMAIL = _then('the student receives a new "{notice}" email', mail.new_one_received)
DELETED_UNREAD = _given('the student deleted the "{notice}" email unread', mail.deleted_unread)
NO_EMAIL = _then('the student receives no "{notice}" email', mail.none_received)
EMAIL_IN_JUNK = _then('the "{notice}" email is in the student\'s junk folder', mail.in_junk)
PORTAL_REFUSES = _then('the portal refuses with "{code}"', student.portal_refuses)
CANNOT_LOG_IN = _then(
    'the student cannot log in with the right password: the portal says "{code}"',
    student.cannot_log_in,
)
CAN_LOG_IN = _then("the student can log in", student.can_log_in)
VIEWING_EMPLOYERS_REFUSED = _then(
    'viewing the employers is refused with "{code}"', student.viewing_employers_refused
)
DATA_WENT_TO_PORTAL = _then(
    "the SEVIS event history shows the data went to the portal", sevis.data_went_to_portal
)
TRANSMISSION_FAILED = _then(
    "the SEVIS event history shows the transmission to the portal failed",
    sevis.transmission_failed,
)
UNEMPLOYMENT_SHOWS = _then(
    "the unemployment counter shows {used} of {allowed} days used", student.unemployment_shows
)
HISTORY_SHOWS_DELETION = _then(
    'the History page shows the deletion of "{name}"', student.history_shows_deletion
)

#: Every sentence the fuzzer may write, for the test that checks each one against the
#: step library (right keyword, same words).
SENTENCES: tuple[Sentence, ...] = tuple(
    value for value in dict(globals()).values() if isinstance(value, Sentence)
)
