"""Generated bad input to every write operation: refused with a code, nothing changed, the
same answer as the reference's."""

from __future__ import annotations

from harness.fuzz import REFERENCE, check_bad_input, write_operations
from harness.fuzz._badinput import BadInputCase, judge
from harness.fuzz._outcome import raised


def test_the_reference_refuses_bad_input_without_a_change_of_state() -> None:
    report = check_bad_input(REFERENCE, examples=40, seed=5)
    assert not report.problems, report.summary()
    assert report.cases >= 30
    assert len(report.by_operation) >= 6, report.summary()
    assert sum(report.refused.values()) >= report.cases // 2


def test_every_write_operation_of_the_driver_is_covered() -> None:
    from harness.drivers.base import PortalDriver

    protocol = {name for name in vars(PortalDriver) if not name.startswith("_")}
    reads = {"profile", "authorizations", "unemployment", "employers", "history", "info"}
    control = {"set_time", "reset", "deliver"}
    assert set(write_operations()) == protocol - reads - control


def test_c1_control_characters_are_refused() -> None:
    """Found by the bad-input fuzzer: U+0080-U+009F once passed the reference's field
    checks (only C0 and DEL were refused); now every control character is refused."""
    case = BadInputCase(
        "add_employer",
        "employer name 'Acme\\x85Corp'",
        lambda s: s.world.portal.add_employer(
            s.session,
            s.world.employer_input(s.world.student, "Acme\x85Corp"),
        ),
    )
    judgement = judge(case, REFERENCE, 1)
    assert judgement.answers["reference"] == raised("validation-failed"), judgement
    assert not judgement.problems, judgement.problems
