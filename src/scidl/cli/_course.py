"""``scidl course ...``: exercises for students, the grader for instructors."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_course_parser", "run_course"]

_EPILOG = """\
students:
  scidl course list                              the exercises, by chapter
  scidl course start least-squares --dir ls      copy the statement, stub and public tests
  scidl course check ls                          run the public tests, with feedback

instructors:
  scidl course grade SUBMISSIONS --exercise least-squares --tests course/least-squares \\
      --out grades.csv                           grade a folder of .py / .ipynb submissions
  scidl course build                             regenerate the student files from course/

exit status of check and grade: 0 when they ran (whatever the scores), 1 on an error,
2 for a usage error, 130 when interrupted (grade resumes where it stopped when rerun)."""


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive number; got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number; got {text!r}")
    return value


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}")
    return value


def add_course_parser(commands) -> argparse.ArgumentParser:
    """Add ``course`` and its subcommands to the ``scidl`` subparsers."""
    course = commands.add_parser(
        "course",
        help="exercises and an automatic grader for the course",
        description=(
            "Course mode: one exercise set per chapter (statement, stub, public tests, "
            "questions), a self-check for students and a sandboxed grader for instructors."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = course.add_subparsers(dest="course_command", title="course commands", metavar="ACTION")
    sub.add_parser("list", help="list the exercises with their chapter and title")

    start = sub.add_parser("start", help="copy an exercise's student files into a folder")
    start.add_argument("exercise", metavar="EXERCISE", help="a name from `scidl course list`")
    start.add_argument(
        "--dir",
        metavar="DIR",
        type=Path,
        default=None,
        help="folder to create (default: ./EXERCISE)",
    )
    start.add_argument("--force", action="store_true", help="replace files already there")

    check = sub.add_parser("check", help="run the public tests on your folder, with feedback")
    check.add_argument("directory", metavar="DIR", type=Path, help="the folder from `start`")
    check.add_argument(
        "--exercise",
        metavar="EXERCISE",
        default=None,
        help="the exercise (default: read from the folder)",
    )
    check.add_argument(
        "--timeout",
        metavar="S",
        type=_positive_float,
        default=10.0,
        help="seconds per function call (default: 10)",
    )

    grade = sub.add_parser(
        "grade",
        help="grade a folder of submissions against public and hidden tests",
        description=(
            "Grade every submission (NAME.py, NAME.ipynb or a folder NAME/ with exercise.py and "
            "answers.toml) in its own sandbox; write a CSV gradebook, a JSON report (same name, "
            ".json) and feedback/NAME.md beside it. Rerunning resumes an interrupted run."
        ),
    )
    grade.add_argument("submissions", metavar="SUBMISSIONS_DIR", type=Path)
    grade.add_argument("--exercise", required=True, metavar="EXERCISE")
    grade.add_argument(
        "--tests",
        required=True,
        metavar="DIR",
        type=Path,
        help="the instructor's exercise folder (tests_hidden.py, questions.toml)",
    )
    grade.add_argument("--out", metavar="CSV", type=Path, default=Path("grades.csv"))
    grade.add_argument(
        "--jobs", metavar="N", type=_positive_int, default=2, help="parallel workers (default: 2)"
    )
    grade.add_argument(
        "--timeout",
        metavar="S",
        type=_positive_float,
        default=10.0,
        help="wall-clock seconds per call (default: 10)",
    )
    grade.add_argument(
        "--total-timeout",
        metavar="S",
        type=_positive_float,
        default=60.0,
        help="wall-clock seconds per submission (default: 60)",
    )
    grade.add_argument(
        "--import-timeout",
        metavar="S",
        type=_positive_float,
        default=30.0,
        help="wall-clock seconds to start and import a submission (default: 30)",
    )
    grade.add_argument("--memory-mb", metavar="MB", type=_positive_int, default=2048)
    grade.add_argument("--cpu-seconds", metavar="S", type=_positive_int, default=30)
    grade.add_argument("--max-processes", metavar="N", type=_positive_int, default=16)
    grade.add_argument("--sandbox", choices=("auto", "namespaces", "rlimits"), default="auto")
    grade.add_argument(
        "--feedback",
        choices=("md", "html"),
        default="md",
        help="format of the per-student feedback (default: md)",
    )

    build = sub.add_parser("build", help="regenerate the student files (instructors)")
    build.add_argument(
        "--source",
        metavar="DIR",
        type=Path,
        default=Path("course"),
        help="the instructor's course folder (default: ./course)",
    )
    build.add_argument(
        "--dest",
        metavar="DIR",
        type=Path,
        default=None,
        help="where to write (default: the installed scidl package)",
    )
    return course


def run_course(args, stdout, stderr) -> int:
    """Run a parsed ``scidl course`` command; returns the exit status."""
    from scidl import course

    action = args.course_command
    try:
        if action is None or action == "list":
            exercises = course.list_exercises()
            width = max(len(e.name) for e in exercises)
            print(f"{'chapter':>7}  {'exercise':<{width}}  title", file=stdout)
            for e in exercises:
                print(f"{e.chapter:>7}  {e.name:<{width}}  {e.title}", file=stdout)
            print("\nStart one with `scidl course start EXERCISE --dir DIR`.", file=stdout)
            return 0
        if action == "start":
            folder = course.start_exercise(
                args.exercise, args.dir if args.dir else Path(args.exercise), overwrite=args.force
            )
            print(
                f"Started {args.exercise} in {folder}/: read README.md, fill in exercise.py, "
                f"then run `scidl course check {folder}`.",
                file=stdout,
            )
            return 0
        if action == "check":
            report = course.check(args.directory, exercise=args.exercise, timeout=args.timeout)
            print(report.text(), file=stdout)
            return 0
        if action == "grade":
            book = course.grade(
                args.submissions,
                exercise=args.exercise,
                tests=args.tests,
                out=args.out,
                n_jobs=args.jobs,
                timeout=args.timeout,
                total_timeout=args.total_timeout,
                import_timeout=args.import_timeout,
                memory_mb=args.memory_mb,
                cpu_seconds=args.cpu_seconds,
                max_processes=args.max_processes,
                sandbox=args.sandbox,
                feedback_format=args.feedback,
                verbose=True,
            )
            if book.sandbox_note:
                print(
                    f"scidl course: weaker sandbox ({book.sandbox}): {book.sandbox_note}",
                    file=stderr,
                )
            print(
                f"graded {book.graded_now} submission(s), {book.resumed} from an earlier run, "
                f"in {book.seconds:.1f} s (sandbox: {book.sandbox}); gradebook {book.csv_path}, "
                f"report {book.json_path}, feedback in {book.feedback_dir}/",
                file=stdout,
            )
            return 0
        if action == "build":
            names = course.build_student_files(args.source, args.dest)
            print(
                f"built the student files of {len(names)} exercises: {', '.join(names)}",
                file=stdout,
            )
            return 0
    except KeyboardInterrupt:
        print("scidl course: interrupted; rerun the same command to resume.", file=stderr)
        return 130
    except (ValueError, TypeError, FileExistsError, ImportError, RuntimeError, OSError) as exc:
        print(f"scidl course {action}: error: {exc}", file=stderr)
        return 2 if isinstance(exc, (ValueError, TypeError, FileExistsError)) else 1
    raise AssertionError(f"unknown course action {action!r}")
