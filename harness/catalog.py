"""The rule catalog: every rule the harness checks, one source of truth for rule ids.

Each rule names where it comes from (an FAQ item of the DSO FAQ of Sept. 25, 2019, or
an official help page cited in docs/domain.md), says the rule in plain words, and belongs
to a profile. Every scenario carries ``@rule-<id>`` (and ``@faq-<n>`` where it has
one); tests/ fail when a rule has no scenario or a scenario names an unknown rule.
Security rules also name the OWASP ASVS 4.0.3 requirements they check (``asvs``), and
their scenarios carry them as ``@asvs-<id>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from simulators.common.domain import SECURITY_LIMITS, PortalSettings


class Profile(str, Enum):
    CORE = "core"  # the FAQ
    EXTENDED = "extended"  # the portal's official help pages
    SECURITY = "security"
    FUTURE = "future"  # FAQ 10: announced, not yet in the portal; reported, never failed


@dataclass(frozen=True)
class Rule:
    rule_id: str
    area: str
    profile: Profile
    statement: str
    source: str
    faq: tuple[int, ...] = ()
    #: The rule's scenarios look only at the simulators (SEVIS, the SRC): a portal cannot
    #: fail them, so they are reported apart and never count as a portal's conformance.
    simulator_only: bool = False
    #: OWASP ASVS 4.0.3 requirement ids this rule checks (security rules), e.g. "2.2.1".
    asvs: tuple[str, ...] = ()

    @property
    def tag(self) -> str:
        return f"rule-{self.rule_id}"

    @property
    def asvs_tags(self) -> tuple[str, ...]:
        return tuple(f"asvs-{requirement}" for requirement in self.asvs)


def _core(rule_id: str, area: str, faq: tuple[int, ...], statement: str, source: str) -> Rule:
    return Rule(rule_id, area, Profile.CORE, statement, source, faq)


def _simulator(rule_id: str, area: str, faq: tuple[int, ...], statement: str, source: str) -> Rule:
    """A core rule that only the simulators play: reported apart from the portal's."""
    return Rule(rule_id, area, Profile.CORE, statement, source, faq, simulator_only=True)


def _extended(rule_id: str, area: str, statement: str, source: str) -> Rule:
    return Rule(rule_id, area, Profile.EXTENDED, statement, source)


def _security(rule_id: str, area: str, statement: str, asvs: tuple[str, ...]) -> Rule:
    source = "docs/domain.md: security profile; OWASP ASVS 4.0.3 " + ", ".join(asvs)
    return Rule(rule_id, area, Profile.SECURITY, statement, source, asvs=asvs)


_BODY_KIB = SECURITY_LIMITS.max_body_bytes // 1024

RULES: tuple[Rule, ...] = (
    # FAQ 1: portal communications
    _core("notice-catalogued", "notices", (1,),
          "Every email the portal sends is a catalogued notice with its subject and sender.",
          "FAQ 1: the Email Notices page outlines when students receive portal emails and "
          "contains the subject line and body."),
    _core("notice-once-per-event", "notices", (1,),
          "Each triggering event sends its notice exactly once.",
          "FAQ 1: when students receive portal emails."),
    _core("notice-student-only", "notices", (1,),
          "Portal emails go to the student only; DSOs receive no copies.",
          "FAQ 1: DSOs see sample emails on Study in the States, not the students' mail."),
    # FAQ 2: accidental employer deletion
    _core("delete-needs-confirmation", "employer-deletion", (2,),
          "Deleting an employer needs the confirmation that the student never worked there; "
          "without it the employer is kept.",
          "FAQ 2: students must first confirm in the portal that they have never worked "
          "for the employer."),
    _core("delete-recorded", "employer-deletion", (2,),
          "A confirmed deletion is shown on the History page and reaches SEVIS at once, "
          "where the DSO can retrieve it.",
          "FAQ 2: students contact their DSO for assistance with retrieving the "
          "employment information."),
    _core("dso-restores-employer", "employer-deletion", (2,),
          "A DSO retrieves the deleted employment in SEVIS and restores the original "
          "employer (same name, dates and address) to the portal.",
          "FAQ 2: contact their DSO for assistance with retrieving the employment "
          "information."),
    _core("readd-is-not-restore", "employer-deletion", (2,),
          "Re-adding a deleted employer creates a new record, not the original: the "
          "student should not re-add it.",
          "FAQ 2: students should not re-add an employer to the portal in this situation."),
    # FAQ 3: unlocking
    _core("lock-after-failed-logins", "unlock", (3,),
          "Three failed logins lock the account; the right password then fails too.",
          "FAQ 3 and the SEVP Portal User Guide: accounts lock; students unlock them."),
    _core("self-reset-unlocks", "unlock", (3,),
          "The password reset button on the portal home page resets the password and "
          "unlocks the account.",
          "FAQ 3: students can use the password reset button ... to reset their password "
          "and regain access."),
    _core("dso-reset-unlocks", "unlock", (3, 7),
          "When the student's own reset does not work, the DSO's Reset Portal Account "
          "unlocks the account.",
          "FAQ 3: if this option does not work, students should contact their DSO for "
          "assistance with unlocking their account."),
    _core("src-unlocks", "unlock", (3,),
          "When the DSO cannot unlock the account, the SRC can, from a report.",
          "FAQ 3: if DSOs are unable to unlock student accounts, they should contact the "
          "SEVP Response Center (SRC)."),
    _core("unlock-fallback-order", "unlock", (3,),
          "The unlock fallbacks go in order: the student's reset, then the DSO, then the "
          "SRC; the SRC is needed only when both others fail.",
          "FAQ 3, read as a whole."),
    # FAQ 4 and 9: reports to the SRC
    _simulator("src-report-needs-ids", "src-reports", (4, 9),
          "A report to the SRC without student names or SEVIS IDs is answered with a "
          "request for them and opens no ticket.",
          "FAQ 4, 9: stakeholders should include student name(s) and SEVIS ID(s)."),
    _simulator("src-report-opens-ticket", "src-reports", (4, 9),
          "A report with student names and SEVIS IDs opens a ticket; screenshots are "
          "optional.",
          "FAQ 4, 9: screenshots of the issue, if applicable; the information helps SEVP "
          "investigate and correct the issue."),
    # FAQ 5: the Reset Portal Account action
    _simulator("reset-action-shown", "reset-action", (5,),
          "SEVIS shows Reset Portal Account for a student with an approved OPT, and not for "
          "one without.",
          "FAQ 5: the Reset Portal Account link on the Student Information page."),
    _core("reset-action-offered", "reset-action", (5, 7),
          "Reset Portal Account re-sends the account creation email to a student who lost "
          "it before registering.",
          "FAQ 5 and 7: the Reset Portal Account link on the Student Information page; "
          "it re-sends the account creation email."),
    _core("missing-reset-escalated", "reset-action", (5,),
          "When the Reset Portal Account action is missing, the DSO's report with details "
          "opens a ticket and the SRC resolves it.",
          "FAQ 5: send details of the situation and screenshots, if applicable, to "
          "SEVP@ice.dhs.gov."),
    # FAQ 6: STEM pending
    _core("stem-pending-edit", "stem-pending", (6,),
          "While a STEM OPT extension is pending with USCIS, the student can still edit "
          "employment information.",
          "FAQ 6: students are able to edit their employment information while STEM OPT "
          "is pending with USCIS."),
    # FAQ 7: account creation email
    _core("approval-sends-creation-email", "account-creation", (7,),
          "An OPT approval by USCIS transmits the student's data to the portal, which "
          "sends exactly one account creation email.",
          "FAQ 7: SEVIS should automatically send data to the portal when the OPT request "
          "status changes to Approved."),
    _core("src-correction-sends-creation-email", "account-creation", (7,),
          "An approval by an SRC correction transmits and sends one account creation "
          "email, exactly as a USCIS approval does.",
          "FAQ 7: it should not matter whether the approval comes directly from USCIS or "
          "an approved correction request from SRC."),
    _core("wrong-email-resend", "account-creation", (7,),
          "With a wrong email in SEVIS the email never arrives; once the DSO corrects it, "
          "Reset Portal Account resends the creation email to the corrected address.",
          "FAQ 7: double check the accuracy of the student's email address in SEVIS ... "
          "click the link to resend the portal account creation email."),
    _core("creation-email-in-junk", "account-creation", (7,),
          "A creation email filtered by the student's mail provider is found in the junk "
          "folder, and its link works.",
          "FAQ 7: ensure the account creation email is not in the student's spam or junk "
          "folders."),
    _core("failed-transmission-escalated", "account-creation", (7,),
          "A failed transmission shows in the SEVIS event history and sends no email; the "
          "report to the SRC opens a ticket and a re-transmission delivers the email.",
          "FAQ 7: check the SEVIS event history to make sure the data went to the portal; "
          "if the data failed to transmit, email SEVP@ice.dhs.gov to open a ticket."),
    # FAQ 8: status changes
    _core("transfer-new-program", "status-changes", (8,),
          "A transfer ends the OPT and creates a new program record under the same SEVIS "
          "ID, with no OPT: the previous OPT and employers leave the portal's view while "
          "the History page keeps the events.",
          "FAQ 8: when a student transfers ... SEVIS ends the current OPT and creates a "
          "new program of study record under the same SEVIS ID."),
    _core("level-change-new-program", "status-changes", (8,),
          "A change of education level does the same as a transfer.",
          "FAQ 8: when a student ... changes education level."),
    _core("early-completion-six-months", "status-changes", (8,),
          "After a DSO completes the record early, the student still sees their "
          "information for six months after the OPT end date, and not after.",
          "FAQ 8: the student should still be able to view their information in the "
          "portal for six months after the OPT end date."),
    _core("stem-denial-deletes", "status-changes", (8,),
          "A STEM OPT denial deletes the STEM OPT in both SEVIS and the portal.",
          "FAQ 8: if a student is denied STEM OPT, the STEM OPT is deleted in both SEVIS "
          "and the portal."),
    # FAQ 10: what DSOs see of student changes
    _core("student-changes-visible-to-dso", "dso-visibility", (10,),
          "Changes a student makes in the portal reach SEVIS at once and show in the "
          "event history and the downloadable list of student changes.",
          "FAQ 10: current downloadable lists in SEVIS; docs/domain.md: student changes reach "
          "SEVIS immediately."),
    Rule("dso-notified-of-changes", "dso-visibility", Profile.FUTURE,
         "DSOs are notified when a student updates employer or contact information.",
         "FAQ 10: SEVP will announce any releases containing this functionality.", (10,)),
    # extended: the official help pages
    _extended("registration-link-14-days", "registration",
              "The registration link works for 14 days, the send day counting as day 1.",
              "SEVP Portal Help: account creation email"),
    _extended("registration-link-single-use", "registration",
              "A registration link works once.", "SEVP Portal Help: account creation"),
    _extended("registration-sevis-id-check", "registration",
              "Registration asks for the SEVIS ID; three wrong entries lock registration.",
              "SEVP Portal Help (official); lock after three: secondary sources"),
    _extended("password-policy", "registration",
              "Passwords follow the policy: length, letter, digit, special character, not "
              "the SEVIS ID; the last passwords cannot be reused.",
              "SEVP Portal Help: password requirements"),
    _extended("attestation-first", "login",
              "After login the attestation comes before any other page.",
              "SEVP Portal User Guide: attestation"),
    _extended("inactivity-lock", "login",
              "No login for 90 days locks the account.", "SEVP Portal Help: locked accounts"),
    _extended("lock-notice", "login",
              "A locked account is told by email.", "SEVP Portal Help: locked accounts"),
    _extended("closure-notices", "access-closure",
              "Emails at the OPT end date, 30 days before access closes and on the closure "
              "day; access closes six months after the OPT end date.",
              "SEVP Portal releases 1.10 and 1.11"),
    _extended("unemployment-counter", "employment",
              "The counter shows days since the OPT start without an employer, out of 90 "
              "(post-completion) or 150 (with STEM).",
              "SEVP Portal Help: unemployment days"),
    _extended("contact-validation", "profile",
              "An address that fails SEVIS validation is not saved; name and birth date "
              "are read-only.", "SEVP Portal Help: updating your profile"),
    _extended("contact-change-reaches-sevis", "profile",
              "A contact change reaches SEVIS at once and shows on the History page with "
              "old and new value.", "SEVP Portal Help: history page"),
    _extended("employer-validation", "employment",
              "Employer fields follow SEVIS rules and dates lie inside the authorization.",
              "SEVP Portal Help: reporting employment"),
    _extended("stem-employer-by-dso", "employment",
              "STEM OPT students cannot add employers: the DSO enters them from the I-983 "
              "and they appear the next day; the student may edit supervisor, job title "
              "and end date only.", "SEVP Portal Help: STEM OPT students"),
    # security: ids checked against the texts of ASVS 4.0.3 (tag v4.0.3_release). 4.0.3
    # says nothing of the Host header or of request bodies' size: host-checked and
    # body-size-limited name the nearest (a strict allow list; large input as a DoS).
    _security("no-cross-student-access", "security",
              "No student sees or changes another student's data.", ("4.2.1",)),
    _security("tokens-single-use", "security",
              "Registration and reset links are single-use and expire.", ("2.3.1", "2.7.3")),
    _security("reset-ends-sessions", "security",
              "A password reset ends every session of the account.", ("3.3.3",)),
    _security("logout-ends-session", "security",
              "Logging out ends the session: every page refuses it afterwards, and logging "
              "in again starts over with the attestation.", ("3.3.1",)),
    _security("no-secret-exposed", "security",
              "No password appears in any email, view or history entry; no token appears "
              "in history.", ("7.1.1",)),
    _security("locked-account-no-oracle", "security",
              "On a locked account every password, right or wrong, gets the same answer, so "
              "guessing on teaches nothing.", ("2.2.1",)),
    _security("reset-retires-old-password", "security",
              "After the DSO's (or the SRC's) Reset Portal Account the old password opens "
              "nothing; only the emailed link does.", ("2.5.6",)),
    _security("lock-ends-sessions", "security",
              "Locking an account ends its sessions.", ("3.3.1",)),
    _security("reset-requests-limited", "security",
              "Password reset requests for one account are limited: a burst of requests does "
              "not send a burst of emails.", ("11.1.4",)),
    _security("sevis-channel-authenticated", "security",
              "A SEVIS transmission without the SEVIS channel's secret is refused and changes "
              "nothing.", ("1.2.2",)),
    _security("control-api-authenticated", "security",
              "A control API request without its secret is refused and changes nothing.",
              ("1.2.2",)),
    _security("json-routes-check-media-type", "security",
              "A JSON route refuses a body declared as another media type (415) and changes "
              "nothing, so a page on another origin cannot post to it unasked.",
              ("13.1.5", "13.2.5")),
    _security("body-size-limited", "security",
              f"A request body over the documented limit ({_BODY_KIB} KiB) is refused with 413 "
              "and changes nothing: no client makes the portal hold whatever it sends.",
              ("12.1.1",)),
    _security("host-checked", "security",
              "A request whose Host is not a loopback name or address is refused with 421 "
              "and changes nothing: a page that rebinds its own name to this machine "
              "reaches nothing.", ("14.5.3",)),
    _security("poisoned-transmission-refused", "security",
              "A transmission whose dates the portal cannot represent is refused, stores "
              "nothing, and the portal keeps working.", ("5.1.4",)),
)  # fmt: skip

RULES_BY_ID: dict[str, Rule] = {rule.rule_id: rule for rule in RULES}
PROFILES: tuple[str, ...] = tuple(profile.value for profile in Profile)
#: What a run takes unless told otherwise: every profile but the announced future rules.
DEFAULT_PROFILES: tuple[str, ...] = ("core", "extended", "security")
FAQ_ITEMS: tuple[int, ...] = tuple(range(1, 11))


def rule(rule_id: str) -> Rule:
    """The rule with ``rule_id``; a KeyError names the unknown id."""
    return RULES_BY_ID[rule_id]


@dataclass(frozen=True)
class LimitBounds:
    """A number the rules state and the scenarios that try it on each side.

    ``limit`` is the dotted path of the number in ``PortalSettings`` (its one source is
    ``simulators.common.domain``). Where the sources leave the edge itself open (is day 90 of
    no login already locked?), the scenarios stand one unit clear of it on each side.
    """

    limit: str
    rule_id: str
    below: str  # the scenario that tries a number under the limit
    above: str  # the scenario that tries the limit itself or a number over it
    edge_open: bool = False

    @property
    def value(self) -> int:
        holder: object = PortalSettings()
        for name in self.limit.split("."):
            holder = getattr(holder, name)
        assert isinstance(holder, int)
        return holder

    @property
    def bug_shift(self) -> int:
        """How far a seeded bug moves the limit so that a scenario sees it: one unit, or two
        where the scenarios stand one unit clear of an open edge."""
        return 2 if self.edge_open else 1


LIMIT_BOUNDS: tuple[LimitBounds, ...] = (
    LimitBounds("password_policy.min_length", "password-policy",
                "A password one character short of the minimum is refused",
                "A password of the minimum length is accepted"),
    LimitBounds("limits.failed_logins_before_lock", "lock-after-failed-logins",
                "Two failed logins do not lock the account",
                "Three failed logins lock the account"),
    LimitBounds("limits.registration_sevis_id_attempts", "registration-sevis-id-check",
                "Two wrong SEVIS IDs leave registration open",
                "A wrong SEVIS ID is refused, and three lock registration"),
    LimitBounds("limits.registration_link_days", "registration-link-14-days",
                "The registration link works through day 14 and not after",
                "The registration link works through day 14 and not after"),
    LimitBounds("readings.password_reset_link_hours", "tokens-single-use",
                "A password reset link still works an hour before it expires",
                "A password reset link expires"),
    LimitBounds("limits.inactivity_lock_days", "inactivity-lock",
                "No login for 90 days locks the account",
                "No login for 90 days locks the account", edge_open=True),
    LimitBounds("limits.unemployment_days_post_completion", "unemployment-counter",
                "The counter counts the days without an employer since the OPT start",
                "The counter counts the days without an employer since the OPT start"),
    LimitBounds("limits.unemployment_days_with_stem", "unemployment-counter",
                "With STEM OPT the allowance is 150 days",
                "With STEM OPT the allowance is 150 days"),
    LimitBounds("limits.access_after_opt_end_months", "closure-notices",
                "Access stays open through the window",
                "The closure notices come in order, once each"),
    LimitBounds("limits.closure_warning_days", "closure-notices",
                "The access closing email comes within its lead time",
                "No access closing email before its lead time", edge_open=True),
)  # fmt: skip
