"""The ``scidl`` command: list the topics, run one demo, or take the whole tour."""

from __future__ import annotations

import argparse
import datetime
import sys
import time
import traceback
from pathlib import Path

import matplotlib

__all__ = ["build_parser", "main"]

DEFAULT_OUT = "scidl-report"

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_DESCRIPTION = """\
scidl: deep learning for the sciences, from least squares to GANs.

Every topic of the course has a demo that builds its data, trains its model
and makes the lecture's figures. `scidl tour` runs all of them (offline, on
embedded data) and writes a self-contained HTML report with the figures,
metrics and timings, plus the metrics as metrics.json."""

_EPILOG = """\
examples:
  scidl list                           the topics, by syllabus chapter
  scidl tour --quick                   a smoke test of every topic (well under a minute)
  scidl tour                           the full tour; open scidl-report/index.html
  scidl tour --topics least-squares mlp-mnist --out my-report
  scidl demo mlp-mnist --seed 1        one topic, into scidl-report-mlp-mnist/

exit status: 0 if every demo ran, 1 if any failed (the others still run and
the report shows the traceback), 2 for a usage error such as an unknown topic."""


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer; got {value}")
    return value


def _add_run_options(parser, out_help):
    parser.add_argument("--out", metavar="DIR", type=Path, default=None, help=out_help)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=(
            "smoke-test setting: small data and few epochs, so everything runs in seconds "
            "(rougher metrics)"
        ),
    )
    parser.add_argument(
        "--seed",
        metavar="N",
        type=_seed,
        default=0,
        help=(
            "random seed for data splits and model initialisation (default: 0); same seed, "
            "same numbers on a CPU"
        ),
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``scidl`` command (subcommands list, demo and tour).

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> from scidl.cli import build_parser
    >>> args = build_parser().parse_args(["tour", "--quick", "--topics", "least-squares"])
    >>> args.command, args.quick, args.topics, args.seed
    ('tour', True, ['least-squares'], 0)
    """
    from scidl import __version__

    parser = argparse.ArgumentParser(
        prog="scidl",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"scidl {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    commands.add_parser(
        "list",
        help="list the demo topics with their chapter and title",
        description=(
            "List the demo topics in syllabus order (the names that `scidl demo` and "
            "`scidl tour --topics` accept)."
        ),
    )

    demo = commands.add_parser(
        "demo",
        help="run one topic's demo and write its report",
        description=(
            "Run one topic's demo and write index.html (figures, metrics, explanation) and "
            "metrics.json."
        ),
        epilog=(
            "example:\n  scidl demo least-squares --out ls-report\n  then open ls-report/index.html"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "topic", metavar="TOPIC", help="a topic name from `scidl list`, e.g. mlp-mnist"
    )
    _add_run_options(demo, "folder for index.html and metrics.json (default: scidl-report-TOPIC)")

    tour = commands.add_parser(
        "tour",
        help="run every topic's demo and write one HTML report",
        description=(
            "Run the demo of every topic (or of the topics given), in syllabus order, with a "
            "progress bar,\nthen write DIR/index.html (a self-contained report: explanations, "
            "metrics tables and figures,\ntimings) and DIR/metrics.json, and print a summary "
            "table. A failing demo does not stop the tour."
        ),
        epilog=(
            "examples:\n  scidl tour --quick\n"
            "  scidl tour --topics mlp-mnist --out mnist-report --seed 3"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_run_options(tour, f"folder for index.html and metrics.json (default: {DEFAULT_OUT})")
    tour.add_argument(
        "--topics",
        metavar="TOPIC",
        nargs="+",
        default=None,
        help="run only these topics (names from `scidl list`); default: all",
    )
    from scidl.cli._course import add_course_parser

    add_course_parser(commands)
    return parser


def _valid_topics(requested, demos, stderr) -> bool:
    names = [d.name for d in demos]
    unknown = [t for t in requested if t not in names]
    if unknown:
        print(
            f"scidl: error: unknown topic{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(map(repr, unknown))}.\n"
            f"Valid topics: {', '.join(names)} (see `scidl list`).",
            file=stderr,
        )
        return False
    return True


def _cmd_list(demos, stdout) -> int:
    width = max([len(d.name) for d in demos] + [5])
    print(f"{'chapter':>7}  {'topic':<{width}}  title", file=stdout)
    for d in demos:
        print(f"{d.chapter:>7}  {d.name:<{width}}  {d.title}", file=stdout)
    print(
        "\nRun one with `scidl demo TOPIC`, all with `scidl tour` (add --quick for a smoke test).",
        file=stdout,
    )
    return EXIT_OK


def _run_topic(name, *, quick, seed):
    """Run one demo and turn it into a report record; errors become records too."""
    from scidl.cli._report import TopicRecord, figure_to_base64
    from scidl.demos import get_demo, run_demo

    demo = get_demo(name)
    start = time.perf_counter()
    try:
        result = run_demo(name, quick=quick, random_state=seed)
        render_start = time.perf_counter()
        figures = {key: figure_to_base64(fig) for key, fig in result.figures.items()}
        render_seconds = time.perf_counter() - render_start
    except Exception as exc:  # a failing demo must not stop the tour
        record = TopicRecord(
            demo.name,
            demo.title,
            demo.chapter,
            "error",
            time.perf_counter() - start,
            error=traceback.format_exc(),
        )
        return record, exc
    record = TopicRecord(
        demo.name,
        demo.title,
        demo.chapter,
        "ok",
        result.seconds,
        render_seconds,
        metrics=result.metrics,
        figures=figures,
        text=result.text,
        headline=result.headline,
    )
    return record, None


def _headline(record) -> str:
    """The summary cell of a topic: its headline ``label = value``, or why it failed."""
    if record.status != "ok":
        return record.error.strip().splitlines()[-1] if record.error else "failed"
    from scidl.cli._report import headline_text

    return headline_text(record)


def _print_summary(records, total_seconds, html_path, json_path, stdout):
    width = max([len(r.name) for r in records] + [5])
    print(
        f"\n{'topic':<{width}}  {'chapter':>7}  {'status':<6}  {'seconds':>7}  headline",
        file=stdout,
    )
    for r in records:
        print(
            f"{r.name:<{width}}  {r.chapter:>7}  {r.status:<6}  {r.seconds:>7.1f}  {_headline(r)}",
            file=stdout,
        )
    print(f"\ntotal {total_seconds:.1f} s; report: {html_path} (metrics: {json_path})", file=stdout)


def _cmd_run(names, *, out, quick, seed, stdout, stderr, desc="scidl tour") -> int:
    from tqdm import tqdm

    from scidl import __version__
    from scidl.cli._report import write_report

    if out.exists() and not out.is_dir():
        print(f"scidl: error: --out {str(out)!r} exists and is not a folder.", file=stderr)
        return EXIT_USAGE
    created = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    records, failed, interrupted = [], [], False
    start = time.perf_counter()
    progress = tqdm(names, desc=desc, unit="topic", file=stderr, dynamic_ncols=True)
    try:
        for name in progress:
            progress.set_postfix_str(name)
            record, exc = _run_topic(name, quick=quick, seed=seed)
            records.append(record)
            if exc is not None:
                failed.append(name)
                progress.write(
                    f"scidl: error: topic {name!r} failed with {type(exc).__name__}: {exc}\n"
                    "  (the tour goes on; the full traceback is in the report)",
                    file=stderr,
                )
    except KeyboardInterrupt:
        interrupted = True
        progress.write(
            "scidl: interrupted; writing the report of the topics that finished.", file=stderr
        )
    finally:
        progress.close()
    total = time.perf_counter() - start

    try:
        html_path, json_path = write_report(
            out,
            records,
            version=__version__,
            created=created,
            quick=quick,
            seed=seed,
            total_seconds=total,
        )
    except OSError as exc:
        print(f"scidl: error: could not write the report to {str(out)!r}: {exc}", file=stderr)
        return EXIT_FAILED
    _print_summary(records, total, html_path, json_path, stdout)
    if interrupted:
        return EXIT_INTERRUPTED
    if failed:
        print(
            f"scidl: {len(failed)} of {len(names)} topics failed: {', '.join(failed)}.", file=stderr
        )
        return EXIT_FAILED
    return EXIT_OK


def main(argv=None) -> int:
    """Entry point of the ``scidl`` command; returns the exit status.

    Parameters
    ----------
    argv : list of str, default None
        Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns
    -------
    int
        The exit status: 0 if every demo ran, 1 if one failed, 2 for a usage
        error, 130 when interrupted.

    Examples
    --------
    >>> from scidl.cli import main
    >>> main(["list"])  # doctest: +ELLIPSIS
    chapter  topic ...
    0
    """
    matplotlib.use("Agg")  # files only: never open windows, work on headless machines
    stdout, stderr = sys.stdout, sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return (
            exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
        )
    if args.command is None:
        parser.print_help(stdout)
        return EXIT_OK

    if args.command == "course":
        from scidl.cli._course import run_course

        return run_course(args, stdout, sys.stderr)

    from scidl.demos import list_demos

    demos = list_demos()
    if args.command == "list":
        return _cmd_list(demos, stdout)
    if args.command == "demo":
        if not _valid_topics([args.topic], demos, stderr):
            return EXIT_USAGE
        out = args.out if args.out is not None else Path(f"{DEFAULT_OUT}-{args.topic}")
        return _cmd_run(
            [args.topic],
            out=out,
            quick=args.quick,
            seed=args.seed,
            stdout=stdout,
            stderr=stderr,
            desc="scidl demo",
        )
    # tour
    topics = args.topics if args.topics is not None else [d.name for d in demos]
    if not _valid_topics(topics, demos, stderr):
        return EXIT_USAGE
    topics = list(dict.fromkeys(topics))  # drop repeats, keep order
    out = args.out if args.out is not None else Path(DEFAULT_OUT)
    return _cmd_run(topics, out=out, quick=args.quick, seed=args.seed, stdout=stdout, stderr=stderr)
