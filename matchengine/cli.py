"""Command line: ``python -m matchengine {solve,verify,explain,generate} ...``.

Exit status: 0 success; 1 the result is not stable (``solve``: written, but its status is
not ``stable``; ``verify``: problems found); 2 bad input (unreadable file, malformed JSON,
an instance breaking the format, a file that is not a match result) — a message on stderr,
never a traceback, and no output file.  Output files are written to a temporary file in the
same folder and renamed into place only when complete.  Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matchengine.instance import InstanceError, validate_instance

__all__ = ["main"]

log = logging.getLogger("matchengine")

EXIT_OK = 0
EXIT_UNSTABLE = 1
EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """A problem with the user's input: reported on stderr, exit status 2."""


def _read_json(path: str, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file ({what})") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory, expected a {what} file") from None
    except PermissionError:
        raise BadInput(f"{path}: permission denied ({what})") from None
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise BadInput(f"{path}: JSON nested too deeply") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None


def _read_instance(path: str) -> dict[str, Any]:
    data = _read_json(path, "match instance")
    t = time.perf_counter()
    log.info("validating %s…", path)
    try:
        validate_instance(data)
    except InstanceError as exc:
        raise BadInput(f"{path}: {exc}") from None
    log.info("valid instance (%.2f s)", time.perf_counter() - t)
    assert isinstance(data, dict)
    return data


def _read_result(path: str) -> dict[str, Any]:
    data = _read_json(path, "match result")
    if not isinstance(data, dict):
        raise BadInput(f"{path}: not a match result (expected a JSON object)")
    if data.get("format") != "match-result/1":
        raise BadInput(f'{path}: not a match result ("format" must be "match-result/1")')
    return data


def _write_json(path: str, data: Any) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file, then a rename."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise BadInput(f"{path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write("\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cmd_solve(args: argparse.Namespace) -> int:
    from matchengine.solver import solve

    instance = _read_instance(args.instance)
    t = time.perf_counter()
    try:
        result = solve(instance, proposing=args.proposing, time_limit=args.time_limit)
    except InstanceError as exc:  # pragma: no cover - validated above
        raise BadInput(f"{args.instance}: {exc}") from None
    try:
        _write_json(args.output, result)
    except OSError as exc:
        raise BadInput(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    status = result["status"]
    matched = sum(1 for p in result["assignments"].values() if p is not None)
    print(
        f"{status}: {matched} of {len(result['assignments'])} applicants matched "
        f"({time.perf_counter() - t:.2f} s); result written to {args.output}",
        file=sys.stderr,
    )
    for entry in result["blocking"][:20]:
        print(f"  blocking: {json.dumps(entry, ensure_ascii=False)}", file=sys.stderr)
    return EXIT_OK if status == "stable" else EXIT_UNSTABLE


def _cmd_verify(args: argparse.Namespace) -> int:
    from matchengine.verify import verify

    instance = _read_instance(args.instance)
    result = _read_result(args.result)
    t = time.perf_counter()
    log.info("verifying…")
    problems = verify(instance, result)
    log.info("verified (%.2f s)", time.perf_counter() - t)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s): the result is not valid and stable", file=sys.stderr)
        return EXIT_UNSTABLE
    print(f"ok: the result is valid and {result.get('status')}", file=sys.stderr)
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    from matchengine.explain import explain, explain_program, render_explanation

    instance = _read_instance(args.instance)
    result = _read_result(args.result)
    ident = args.id
    applicants = {a["id"] for a in instance["applicants"]}
    programs = {p["id"] for p in instance["programs"]}
    try:
        if ident in applicants:
            if ident in programs:
                print(
                    f"note: {ident} is an applicant and a program; explaining the applicant",
                    file=sys.stderr,
                )
            explanation = explain(instance, result, ident)
        elif ident in programs:
            explanation = explain_program(instance, result, ident)
        else:
            raise BadInput(f"{ident}: no applicant or program with this id in {args.instance}")
    except (ValueError, KeyError, TypeError) as exc:
        raise BadInput(f"cannot explain {ident}: {exc}") from None
    print(render_explanation(explanation))
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    from matchengine.generate import generate

    t = time.perf_counter()
    log.info("generating…")
    try:
        instance = generate(
            applicants=args.applicants,
            programs=args.programs,
            couples_share=args.couples_share,
            seed=args.seed,
            couples_solo_share=args.couples_solo_share,
            couples_home_bias=args.couples_home_bias,
            couples_pairs=args.couples_pairs,
        )
    except ValueError as exc:
        raise BadInput(f"generate: {exc}") from None
    log.info("generated (%.2f s)", time.perf_counter() - t)
    try:
        _write_json(args.output, instance)
    except OSError as exc:
        raise BadInput(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    print(
        f"{len(instance['applicants'])} applicants, {len(instance['programs'])} programs, "
        f"{len(instance.get('couples', []))} couples written to {args.output}",
        file=sys.stderr,
    )
    return EXIT_OK


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from matchengine import __version__

    parser = argparse.ArgumentParser(
        prog="python -m matchengine",
        description="Stable matching for residency matches (match-instance/1 -> match-result/1).",
        epilog="Exit status: 0 ok, 1 result not stable, 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"matchengine {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "solve",
        help="match an instance and write the result",
        description="Match INSTANCE.json and write the result to RESULT.json. Exit status: "
        "0 stable, 1 written but not stable (no-stable-matching or unresolved), 2 bad input.",
    )
    p.add_argument("instance", metavar="INSTANCE.json")
    p.add_argument("-o", "--output", metavar="RESULT.json", required=True)
    p.add_argument(
        "--proposing",
        choices=["applicant", "program"],
        default="applicant",
        help="which side proposes: applicant-optimal (default) or program-optimal",
    )
    p.add_argument(
        "--time-limit",
        type=_positive_float,
        metavar="S",
        default=None,
        help="seconds allowed for couples (heuristic and exact search); default: no limit",
    )
    p.set_defaults(func=_cmd_solve)

    p = sub.add_parser(
        "verify",
        help="check a result against its instance",
        description="Check RESULT.json against INSTANCE.json; print each problem. Exit "
        "status: 0 valid and stable, 1 problems found, 2 bad input.",
    )
    p.add_argument("instance", metavar="INSTANCE.json")
    p.add_argument("result", metavar="RESULT.json")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser(
        "explain",
        help="explain an applicant's or a program's outcome",
        description="Explain why applicant or program ID got what it got in RESULT.json.",
    )
    p.add_argument("instance", metavar="INSTANCE.json")
    p.add_argument("result", metavar="RESULT.json")
    p.add_argument("id", metavar="ID", help="an applicant id or a program id")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser(
        "generate",
        help="write a synthetic instance",
        description="Write a synthetic match instance shaped like a residency match.",
    )
    p.add_argument("--applicants", type=_count, required=True, metavar="N")
    p.add_argument("--programs", type=_count, required=True, metavar="M")
    p.add_argument(
        "--couples-share",
        type=_share,
        default=0.0,
        metavar="F",
        help="share of applicants in couples (0 to 1, default 0)",
    )
    p.add_argument(
        "--couples-solo-share",
        type=_share,
        default=0.6,
        metavar="F",
        help="share of couples whose list ends with options leaving one member unmatched "
        "(default 0.6)",
    )
    p.add_argument(
        "--couples-home-bias",
        type=_share,
        default=0.75,
        metavar="F",
        help="share of a couple member's picks from the couple's home site (0 to below 1, "
        "default 0.75)",
    )
    p.add_argument(
        "--couples-pairs",
        type=float,
        default=None,
        metavar="K",
        help="mean number of pairs a couple ranks (default twice the list length, 24)",
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("-o", "--output", metavar="FILE", required=True)
    p.set_defaults(func=_cmd_generate)
    return parser


class _Elapsed(logging.Formatter):
    def __init__(self) -> None:
        super().__init__()
        self.start = time.perf_counter()

    def format(self, record: logging.LogRecord) -> str:
        return f"[{time.perf_counter() - self.start:7.2f} s] {record.getMessage()}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: logging.Handler | None = None
    if not args.quiet:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_Elapsed())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    try:
        status: int = args.func(args)
        return status
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if handler is not None:
            log.removeHandler(handler)
