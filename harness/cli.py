"""The ``portal-harness`` command: run the conformance suite, list the rules, list the
step sentences. Thin over the pytest plugin; clear errors, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from harness.catalog import PROFILES, RULES
from harness.fuzz import cli as fuzz_cli
from harness.suite import SUITE_DIR

DESCRIPTION = """\
Conformance harness for SEVP Portal implementations. Runs Gherkin scenarios that encode
the DSO FAQ about the portal against the embedded reference portal (the default)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal-harness", description=DESCRIPTION)
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
        help="JSON list of scenarios known to fail: they do not fail the run; one that passes does",
    )
    run.add_argument(
        "--jobs",
        "-n",
        type=int,
        metavar="N",
        help="run scenarios in N parallel processes (pytest-xdist)",
    )
    run.add_argument("-k", dest="keyword", help="only scenarios whose name matches (pytest -k)")
    run.add_argument(
        "--tag", action="append", help="only scenarios with this tag, e.g. faq-2 (repeatable)"
    )
    run.add_argument("--verbose", "-v", action="store_true", help="list every scenario")
    run.add_argument("--target", metavar="URL", help="run against the portal served at URL")
    run.add_argument(
        "--target-cmd",
        metavar="CMD",
        help="start the portal with CMD (SEVP_HARNESS_* variables say where to send), "
        "run against it, stop it at the end",
    )
    run.add_argument("--http-timeout", type=float, metavar="SECONDS", help="per HTTP exchange")
    run.add_argument(
        "--mail-wait", type=float, metavar="SECONDS", help="how long to wait for an email"
    )

    rules = commands.add_parser("rules", help="list the rule catalog")
    rules.add_argument("--json", action="store_true", help="as JSON")

    commands.add_parser("steps", help="list every step sentence with an example (Markdown)")

    diff = commands.add_parser(
        "diff",
        help="compare two runs' report.json rule by rule; exit 1 when a rule newly fails or vanished",
    )
    diff.add_argument("before", help="report.json of the last good run")
    diff.add_argument("after", help="report.json of the run to gate")
    _add_serve_command(commands)
    fuzz_cli.add_commands(commands)
    return parser


def run_suite(args: argparse.Namespace) -> int:
    import pytest

    pytest_args = [str(SUITE_DIR), "-c", str(SUITE_DIR / "pytest.ini"), "--rootdir", str(SUITE_DIR)]
    pytest_args += ["--harness-matrix", "-v" if args.verbose else "-q"]
    for profile in args.profile or ():
        pytest_args += ["--harness-profile", profile]
    if args.seed is not None:
        pytest_args += ["--harness-seed", str(args.seed)]
    if args.report_dir:
        pytest_args += ["--harness-report-dir", args.report_dir]
    if args.keyword:
        pytest_args += ["-k", args.keyword]
    if args.expected_failures:
        pytest_args += ["--harness-expected-failures", args.expected_failures]
    if args.jobs is not None:
        if args.jobs < 1:
            print("portal-harness: --jobs takes a number of processes, 1 or more", file=sys.stderr)
            return 2
        pytest_args += ["-n", str(args.jobs)]
    for option, value in (
        ("--harness-target", args.target),
        ("--harness-target-cmd", args.target_cmd),
        ("--harness-http-timeout", args.http_timeout),
        ("--harness-mail-wait", args.mail_wait),
    ):
        if value is not None:
            pytest_args += [option, str(value)]
    if args.tag:
        pytest_args += ["-m", " or ".join(f"({tag.removeprefix('@')})" for tag in args.tag)]
    return int(pytest.main(pytest_args))


def list_rules(args: argparse.Namespace) -> int:
    if args.json:
        rows = [
            {
                "id": r.rule_id,
                "area": r.area,
                "profile": r.profile.value,
                "faq": list(r.faq),
                "statement": r.statement,
                "source": r.source,
            }
            for r in RULES
        ]
        print(json.dumps(rows, indent=2))
        return 0
    for rule in RULES:
        faq = "FAQ " + ", ".join(map(str, rule.faq)) if rule.faq else "help pages"
        print(
            f"{rule.rule_id}  [{rule.profile.value}; {faq}]\n    {rule.statement}\n    source: {rule.source}"
        )
    return 0


def list_steps(_: argparse.Namespace) -> int:
    from harness.glossary import glossary, render_markdown

    print(render_markdown(glossary()), end="")
    return 0


def diff_runs(args: argparse.Namespace) -> int:
    from harness.diff import GATE_FAILED, diff_reports, render_diff
    from harness.reports import ReportError, load_report

    try:
        before, after = load_report(Path(args.before)), load_report(Path(args.after))
    except ReportError as error:
        print(f"portal-harness diff: {error}", file=sys.stderr)
        return 2
    difference = diff_reports(before, after)
    print(render_diff(difference))
    return GATE_FAILED if difference.regressed else 0


def _add_serve_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the reference portal with the SEVIS and mail simulators on 127.0.0.1, "
        "to explore by hand (Ctrl-C stops)",
        description="Serve the reference portal, the SEVIS simulator (with actions to drive "
        "a student by hand), the SMTP simulator and a mail viewer, all on 127.0.0.1 in this "
        "process, and print where each listens. A suite run with --target pointed at the "
        "portal passes (the harness brings its own simulators for the run).",
    )
    serve.add_argument(
        "--port", type=_port, default=8000, help="the portal's port (default 8000; 0: any free)"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="where to listen: 127.0.0.1 only (the simulators have no authentication)",
    )


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535, not {text!r}")
    return int(text)


def serve_portal(args: argparse.Namespace) -> int:
    from harness.serve import USAGE_EXIT, serve

    if args.host != "127.0.0.1":
        print(
            f"portal-harness serve: listens on 127.0.0.1 only, not {args.host!r} "
            "(the simulators are test doubles without authentication)",
            file=sys.stderr,
        )
        return USAGE_EXIT
    return serve(args.port)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"run": run_suite, "rules": list_rules, "steps": list_steps, "diff": diff_runs}
    commands["serve"] = serve_portal
    commands.update(fuzz_cli.COMMANDS)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        print("portal-harness: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
