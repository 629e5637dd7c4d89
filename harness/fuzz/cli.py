"""``portal-harness fuzz`` and ``portal-harness replay``: the fuzzer and the replay of what
it wrote, as subcommands of the harness's command line."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

FUZZ_HELP = "fuzz a portal against the reference; write each finding as a .feature file"
REPLAY_HELP = "replay a .feature file (e.g. a fuzz finding) against a target"


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fuzz = subparsers.add_parser("fuzz", help=FUZZ_HELP, description=FUZZ_HELP)
    _target_options(fuzz)
    fuzz.add_argument("--steps", type=int, help="step budget (default 1000 without --seconds)")
    fuzz.add_argument("--seconds", type=float, help="time budget in seconds")
    fuzz.add_argument("--seed", type=int, help="seed for hypothesis and the data, to repeat a run")
    fuzz.add_argument(
        "--out", default="fuzz-findings", help="folder for the findings (default: fuzz-findings)"
    )
    fuzz.add_argument(
        "--max-failures", type=int, default=3, help="stop after this many distinct findings"
    )
    fuzz.add_argument(
        "--bad-input", type=int, default=0, metavar="N", help="also send N generated bad inputs"
    )
    fuzz.add_argument("--quiet", "-q", action="store_true", help="no progress display")

    replay = subparsers.add_parser("replay", help=REPLAY_HELP, description=REPLAY_HELP)
    replay.add_argument("feature", help="the .feature file")
    _target_options(replay)
    replay.add_argument("--seed", type=int, help="seed for the scenario data")
    replay.add_argument("--verbose", "-v", action="store_true", help="list every step")


def _target_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--target", metavar="URL", help="a portal on the wire (default: reference)")
    where.add_argument(
        "--target-cmd", metavar="COMMAND", help="launch a portal on the wire with this command"
    )
    where.add_argument(
        "--portal",
        metavar="MODULE:NAME",
        help="an in-process portal: a PortalService subclass or a portal factory",
    )


def run_fuzz(args: argparse.Namespace) -> int:
    from harness.fuzz import REFERENCE, fuzz, in_memory_target, live_target, portal_factory_from
    from harness.fuzz._badinput import check_bad_input

    try:
        if args.target or args.target_cmd:
            target = live_target(args.target, command=args.target_cmd)
        elif args.portal:
            target = in_memory_target(portal_factory_from(args.portal), args.portal)
        else:
            target = REFERENCE
    except Exception as error:  # a bad module path, an unreachable target: say so plainly
        print(f"portal-harness fuzz: {error}", file=sys.stderr)
        return 2
    where = ""
    if args.target:
        where = f"--target {args.target}"
    elif args.target_cmd:
        where = f"--target-cmd {shlex.quote(args.target_cmd)}"
    elif args.portal:
        where = f"--portal {args.portal}"

    def replay_command(path: Path) -> str:
        return f"portal-harness replay {path} {where}".rstrip()

    try:
        report = fuzz(
            target,
            steps=args.steps,
            seconds=args.seconds,
            seed=args.seed,
            out_dir=Path(args.out),
            max_failures=args.max_failures,
            progress=None if args.quiet else sys.stderr,
            replay_command=replay_command,
        )
        print(report.summary())
        problems = 0
        if args.bad_input:
            bad = check_bad_input(target, examples=args.bad_input, seed=report.seed)
            print(bad.summary())
            problems = len(bad.problems)
    finally:
        if target.close is not None:
            target.close()
    return 1 if report.failures or report.errors or problems else 0


def run_replay(args: argparse.Namespace) -> int:
    from harness.fuzz.replay import ReplayError, replay

    try:
        return replay(
            Path(args.feature),
            target_url=args.target,
            target_cmd=args.target_cmd,
            portal=args.portal,
            seed=args.seed,
            verbose=args.verbose,
        )
    except ReplayError as error:
        print(f"portal-harness replay: {error}", file=sys.stderr)
        return 2


COMMANDS = {"fuzz": run_fuzz, "replay": run_replay}
