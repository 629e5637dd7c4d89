"""The ``portal-harness`` command: run the conformance suite, list the rules, list the
step sentences. Thin over the pytest plugin; clear errors, never a traceback."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from harness import portal_profile
from harness.catalog import DEFAULT_PROFILES, PROFILES, RULES, Profile
from harness.fuzz import cli as fuzz_cli
from harness.suite import SUITE_DIR
from harness.verdict import EXIT_SIGNAL_BASE, EXIT_USAGE
from simulators.common.loopback import LOOPBACK

JOBS_NEED_XDIST = (
    "--jobs runs scenarios in parallel with pytest-xdist, which is not installed here: "
    "pip install 'pytest-xdist>=3.5,<4' (a dependency of portal-harness; reinstall it)"
)
DESCRIPTION = """\
Conformance harness for SEVP Portal implementations. Runs Gherkin scenarios that encode
the DSO FAQ about the portal against the embedded reference portal (the default)."""


def build_parser() -> argparse.ArgumentParser:
    from harness import __version__

    parser = argparse.ArgumentParser(
        prog="portal-harness",
        description=DESCRIPTION,
        epilog="Exit statuses: docs/reports.md#exit-statuses",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run", help="run the conformance suite and print the rule-by-rule result"
    )
    run.add_argument(
        "--profile",
        action="append",
        choices=PROFILES,
        help="run this profile's scenarios (repeatable; default: core, extended, security)",
    )
    run.add_argument("--seed", type=int, help="seed for the scenario data, to repeat a run")
    run.add_argument(
        "--report-dir",
        help="write JUnit XML, cucumber JSON and the harness's JSON, HTML and Markdown here",
    )
    run.add_argument(
        "--expected-failures",
        metavar="FILE",
        help='JSON file {"expected_failures": [{"scenario": "<feature>: <scenario>", '
        '"reason": "<why, and the ticket>"}]}: a listed scenario that fails does not fail '
        "the run; one that passes does (remove its entry); see docs/reports.md",
    )
    run.add_argument(
        "--jobs",
        "-n",
        type=int,
        metavar="N",
        help="run scenarios in N parallel processes (pytest-xdist)",
    )
    run.add_argument(
        "--verbose", "-v", action="store_true", help="list every scenario and each of its steps"
    )
    run.add_argument(
        "--tracebacks",
        action="store_true",
        help="show pytest's traceback of a failure instead of its Gherkin view",
    )
    run.add_argument("--target", metavar="URL", help="run against the portal served at URL")
    run.add_argument(
        "--target-cmd",
        metavar="CMD",
        help="start the portal with CMD (SEVP_HARNESS_* variables say where to send), "
        "run against it, stop it at the end",
    )
    run.add_argument(
        "--sevis-secret",
        metavar="SECRET",
        help="the SEVIS channel's secret of the portal at --target (or $SEVP_HARNESS_SEVIS_SECRET)",
    )
    run.add_argument(
        "--control-secret",
        metavar="SECRET",
        help="its control API's secret (or $SEVP_HARNESS_CONTROL_SECRET)",
    )
    run.add_argument(
        "--http-timeout",
        type=float,
        metavar="SECONDS",
        help="total deadline of each HTTP exchange, headers and body included (default 5)",
    )
    run.add_argument(
        "--mail-wait", type=float, metavar="SECONDS", help="how long to wait for an email"
    )
    run.add_argument(
        "--launch-timeout",
        type=float,
        metavar="SECONDS",
        help="how long a --target-cmd portal may take to answer (default 30)",
    )
    portal_profile.add_cli_argument(run)

    _add_selection_options(run)

    rules = commands.add_parser("rules", help="list the rule catalog")
    rules.add_argument("--json", action="store_true", help="as JSON")
    rules.add_argument(
        "--faq",
        action="store_true",
        help="each FAQ sentence with the rules and scenarios that check it",
    )

    commands.add_parser("steps", help="list every step sentence with an example (Markdown)")

    diff = commands.add_parser(
        "diff",
        help="compare two runs' report.json rule by rule; exit 1 when a rule newly fails or "
        "vanished, 3 when either run is incomplete or they selected different rules",
    )
    diff.add_argument("before", help="report.json of the last good run")
    diff.add_argument("after", help="report.json of the run to gate")
    _add_serve_command(commands)
    _add_check_command(commands)
    _add_coverage_command(commands)
    fuzz_cli.add_commands(commands)
    return parser


def run_suite(args: argparse.Namespace) -> int:
    import pytest

    chosen = chosen_scenarios(args)
    if isinstance(chosen, int):
        return chosen
    pytest_args = [*chosen, "-c", str(SUITE_DIR / "pytest.ini")]
    # pytest stays quiet (no header, no test ids): the live view prints each scenario
    pytest_args += ["--harness-matrix", "--harness-gherkin", "--harness-cli-spelling", "-q"]
    if args.verbose:
        pytest_args.append("--harness-steps")
    for profile in args.profile or ():
        pytest_args += ["--harness-profile", profile]
    if args.seed is not None:
        pytest_args += ["--harness-seed", str(args.seed)]
    if args.report_dir:
        pytest_args += ["--harness-report-dir", args.report_dir]
    if args.expected_failures:
        pytest_args += ["--harness-expected-failures", args.expected_failures]
    if args.tracebacks:
        pytest_args.append("--harness-tracebacks")
    if args.jobs is not None:
        if args.jobs < 1:
            print("portal-harness: --jobs takes a number of processes, 1 or more", file=sys.stderr)
            return 2
        if importlib.util.find_spec("xdist") is None:
            print(f"portal-harness: {JOBS_NEED_XDIST}", file=sys.stderr)
            return 2
        pytest_args += ["-n", str(args.jobs)]
    for option, value in (
        ("--harness-target", args.target),
        ("--harness-target-cmd", args.target_cmd),
        ("--harness-http-timeout", args.http_timeout),
        ("--harness-mail-wait", args.mail_wait),
        ("--harness-portal-profile", args.portal_profile),
        ("--harness-sevis-secret", args.sevis_secret),
        ("--harness-control-secret", args.control_secret),
        ("--harness-launch-timeout", args.launch_timeout),
    ):
        if value is not None:
            # one argument, so a value that begins with "-" is not read as an option
            pytest_args.append(f"{option}={value}")
    status = int(pytest.main(pytest_args))
    # pytest's own usage error (a bad option value, a bad expected-failures file) is ours
    return EXIT_USAGE if status == pytest.ExitCode.USAGE_ERROR else status


# --- selection and authoring: run PATH..., --name/-k, --tag, --rule, --list, --last-failed,
# --- and the check command


def _add_selection_options(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=".feature files or folders to run instead of the shipped suite",
    )
    run.add_argument(
        "--name",
        "-k",
        dest="names",
        action="append",
        metavar="TEXT",
        help="only scenarios whose title or feature title has these words, as written, "
        "e.g. 'never-worked' or Accidental (repeatable)",
    )
    run.add_argument(
        "--tag", action="append", help="only scenarios with this tag, e.g. faq-2 (repeatable)"
    )
    run.add_argument(
        "--rule", action="append", metavar="ID", help="only scenarios of this rule (repeatable)"
    )
    run.add_argument(
        "--list",
        action="store_true",
        help="print what would run (rule, feature, scenario), run nothing",
    )
    run.add_argument(
        "--last-failed",
        action="store_true",
        help="only the scenarios that failed, erred or did not finish in the previous run in --report-dir",
    )


def chosen_scenarios(args: argparse.Namespace) -> list[str] | int:
    """The pytest arguments that take the scenarios asked for, or an exit status when there
    is nothing to run: a usage problem (said), a listing printed, no failure to rerun."""
    from harness.feature_files import FeaturePathError, expand_feature_paths
    from harness.selection import (
        Selection,
        SelectionError,
        candidates_in,
        failed_last_time,
        listing,
        profile_note,
        select,
    )
    from harness.suite import FEATURES_DIR

    try:
        paths = expand_feature_paths(args.paths) if args.paths else []
        only = None
        if args.last_failed:
            if not args.report_dir:
                raise SelectionError("--last-failed reads the previous run's --report-dir DIR")
            only = failed_last_time(Path(args.report_dir))
            if not only:
                print(f"portal-harness: the previous run in {args.report_dir} had no failure")
                return 0
        if paths:
            _refuse_what_a_run_cannot_take(paths)
        wanted = Selection(
            tuple(args.names or ()), tuple(args.tag or ()), tuple(args.rule or ()), only
        )
        scenarios = select(wanted, candidates_in([Path(p) for p in paths] or [FEATURES_DIR]))
    except (FeaturePathError, SelectionError) as error:
        print(f"portal-harness run: {error}", file=sys.stderr)
        return 2
    if args.list:
        profiles = args.profile or DEFAULT_PROFILES
        print(listing((s, profile_note(s, profiles)) for s in scenarios))
        print(f"{len(scenarios)} scenario(s)")
        return 0
    # Scenario ids are paths from the root folder: the suite's, or the one the files share.
    root = os.path.commonpath([Path(p).resolve().parent for p in paths]) if paths else SUITE_DIR
    arguments = [*(paths or [str(SUITE_DIR)]), "--rootdir", str(root)]
    for option, values in (
        ("--harness-name", args.names),
        ("--harness-tag", args.tag),
        ("--harness-rule", args.rule),
    ):
        for value in values or ():
            arguments += [option, value]
    if args.last_failed:
        arguments.append("--harness-last-failed")
    return arguments


def _refuse_what_a_run_cannot_take(paths: list[str]) -> None:
    """Tags pytest would refuse without a file or a line, and text that is not Gherkin,
    stop the run here with both; the other problems are ``check``'s to tell."""
    from harness.lint import check_features
    from harness.selection import SelectionError

    blocking = [p for p in check_features(paths, steps=False).problems if p.blocks_run]
    if blocking:
        raise SelectionError(
            "\n".join(map(str, blocking)) + "\n(portal-harness check PATH... lists every problem)"
        )


def _add_check_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="lint .feature files without a portal: undefined steps, wrong keywords, rule tags",
        description="Check feature files against the step library and the rule catalog, "
        "without running them: undefined steps (with the closest sentences of the "
        "glossary), a sentence under the wrong keyword, unknown or missing @rule- tags, "
        "untagged scenarios. Exit 1 on any problem.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help=".feature files or folders")


def check_features(args: argparse.Namespace) -> int:
    from harness.feature_files import FeaturePathError
    from harness.lint import check_paths

    try:
        result = check_paths(args.paths)
    except FeaturePathError as error:
        print(f"portal-harness check: {error}", file=sys.stderr)
        return 2
    print(result.render())
    return 1 if result.problems else 0


def list_rules(args: argparse.Namespace) -> int:
    if args.faq:
        return list_faq_sentences()
    if args.json:
        rows = [
            {
                "id": r.rule_id,
                "area": r.area,
                "profile": r.profile.value,
                "faq": list(r.faq),
                "statement": r.statement,
                "source": r.source,
                "asvs": list(r.asvs),
            }
            for r in RULES
        ]
        print(json.dumps(rows, indent=2))
        return 0
    for rule in RULES:
        where = [rule.profile.value]
        if rule.faq:
            where.append("FAQ " + ", ".join(map(str, rule.faq)))
        elif rule.profile is Profile.EXTENDED:
            where.append("help pages")
        if rule.asvs:
            where.append("ASVS " + ", ".join(rule.asvs))
        print(
            f"{rule.rule_id}  [{'; '.join(where)}]\n    {rule.statement}\n    source: {rule.source}"
        )
    return 0


def list_steps(_: argparse.Namespace) -> int:
    from harness.glossary import glossary, render_markdown

    print(render_markdown(glossary()), end="")
    return 0


def diff_runs(args: argparse.Namespace) -> int:
    from harness.diff import diff_reports, render_diff
    from harness.reports import ReportError, load_report

    try:
        before, after = load_report(Path(args.before)), load_report(Path(args.after))
    except ReportError as error:
        print(f"portal-harness diff: {error}", file=sys.stderr)
        return EXIT_USAGE
    difference = diff_reports(before, after)
    print(render_diff(difference))
    return difference.exit_code


def _add_serve_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help=f"serve the reference portal with the SEVIS and mail simulators on {LOOPBACK}, "
        "to explore by hand (Ctrl-C stops)",
        description="Serve the reference portal, the SEVIS simulator (with actions to drive "
        f"a student by hand), the SMTP simulator and a mail viewer, all on {LOOPBACK} in this "
        "process, and print where each listens. A suite run with --target pointed at the "
        "portal passes (the harness brings its own simulators for the run).",
    )
    serve.add_argument(
        "--port", type=_port, default=8000, help="the portal's port (default 8000; 0: any free)"
    )
    serve.add_argument(
        "--host",
        default=LOOPBACK,
        help=f"where to listen: {LOOPBACK} only (the simulators have no authentication)",
    )


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535, not {text!r}")
    return int(text)


def serve_portal(args: argparse.Namespace) -> int:
    from harness.serve import USAGE_EXIT, serve

    if args.host != LOOPBACK:
        print(
            f"portal-harness serve: listens on {LOOPBACK} only, not {args.host!r} "
            "(the simulators are test doubles without authentication)",
            file=sys.stderr,
        )
        return USAGE_EXIT
    return serve(args.port)


def _add_coverage_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    measure = commands.add_parser(
        "coverage",
        help="run the suite and list what its scenarios cover: contract operations, response "
        "codes, writable fields, model states, FAQ sentences, and what nothing covers",
    )
    measure.add_argument("--json", action="store_true", help="the coverage data as JSON")
    measure.add_argument("--write", metavar="FILE", help="write the tables to FILE (Markdown)")
    measure.add_argument("--seed", type=int, help="seed for the scenario data")
    measure.add_argument("--target", metavar="URL", help="measure against the portal at URL")
    measure.add_argument("--target-cmd", metavar="CMD", help="measure against a launched portal")


def measure_coverage(args: argparse.Namespace) -> int:
    """Run the suite with coverage on, then print the tables (the run's own output first)."""
    import tempfile

    import pytest

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "coverage.json"
        pytest_args = [str(SUITE_DIR), "-c", str(SUITE_DIR / "pytest.ini")]
        pytest_args += ["--rootdir", str(SUITE_DIR), "-q", "--harness-coverage", str(path)]
        for option, value in (
            ("--harness-seed", args.seed),
            ("--harness-target", args.target),
            ("--harness-target-cmd", args.target_cmd),
        ):
            if value is not None:
                pytest_args += [option, str(value)]
        status = int(pytest.main(pytest_args))
        if not path.exists():
            print(
                "portal-harness coverage: no scenario passed, so nothing was measured",
                file=sys.stderr,
            )
            return status or 2
        data = json.loads(path.read_text(encoding="utf-8"))
    from harness.coverage import render_coverage  # after pytest: it rewrites them

    if args.json:
        print(json.dumps(data, indent=2))
    elif args.write:
        Path(args.write).write_text(render_coverage(data), encoding="utf-8")
        print(f"portal-harness coverage: tables written to {args.write}")
    else:
        print(render_coverage(data), end="")
    return status


def list_faq_sentences() -> int:
    from harness.coverage import faq_coverage, faq_rows, render_faq
    from harness.gherkin import read_scenarios

    print(render_faq(faq_rows(faq_coverage(read_scenarios()))), end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"run": run_suite, "rules": list_rules, "steps": list_steps, "diff": diff_runs}
    commands["serve"] = serve_portal
    commands["check"] = check_features
    commands["coverage"] = measure_coverage
    commands.update(fuzz_cli.COMMANDS)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        print("portal-harness: interrupted", file=sys.stderr)
        return EXIT_SIGNAL_BASE + signal.SIGINT


if __name__ == "__main__":
    sys.exit(main())
