"""Grading: a batch of submissions (instructor) and a self-check (student).

:func:`grade` runs the public and hidden tests of one exercise against every
submission in a folder, each in its own sandbox (see ``_sandbox.py``), with
``n_jobs`` parallel workers, and writes a CSV gradebook (one row per student,
one column per test and question, the total), a JSON report and per-student
feedback. Every submission gets a row, whatever it does. Progress is appended
to ``OUT.progress.jsonl`` as each submission finishes, so a rerun after an
interruption grades only what is missing (and regrades a submission whose file
or tests changed).

:func:`check` runs the public tests of the exercise a student started in a
folder, with the same sandbox, and says what failed, expected versus got, and a
hint. Passing them is never reported as full marks: the hidden tests decide.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from scidl.course._exercises import (
    MARKER,
    PACKAGE_EXERCISES,
    find_submission_file,
    get_exercise,
    read_toml,
    submission_source,
)
from scidl.course._harness import load_tests, run_tests
from scidl.course._questions import grade_questions, validate_questions
from scidl.course._sandbox import Limits, SlotPool, kill_sandboxes, resolve_mode
from scidl.utils import atomic_write

__all__ = ["check", "grade"]

FORMAT_VERSION = 1


@dataclass
class Gradebook:
    """What :func:`grade` produced: one row per student, and where the files are."""

    rows: list
    columns: list
    max_points: float
    csv_path: Path
    json_path: Path
    feedback_dir: Path
    sandbox: str
    sandbox_note: str
    seconds: float
    graded_now: int
    resumed: int

    def row(self, student):
        for r in self.rows:
            if r["student"] == student:
                return r
        raise KeyError(student)


@dataclass
class CheckReport:
    """What :func:`check` found for a student's folder."""

    exercise: str
    results: list
    output: str
    import_error: str
    sandbox: str
    answers_problems: list = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.status == "passed" for r in self.results)

    def text(self) -> str:
        return _check_text(self)


# --- locating tests and submissions -------------------------------------------------------


def _tests_folder(tests, exercise) -> Path:
    tests = Path(tests)
    for cand in (tests, tests / exercise):
        if (cand / "tests_hidden.py").is_file():
            return cand
    raise ValueError(
        f"tests must be a folder holding tests_hidden.py (or {exercise}/tests_hidden.py); "
        f"got {str(tests)!r}"
    )


def _secrets(tests_dir: Path, submissions: Path, out: Path, outputs) -> list:
    # the output folder, and each output file in case that folder cannot be covered (it may
    # hold the Python installation); the files exist before the first submission starts
    secrets = [tests_dir, submissions, out.resolve().parent, *outputs]
    # the instructor's course folders: beside the tests, and a source checkout's course/
    for parent in (tests_dir.resolve().parent, PACKAGE_EXERCISES.parents[3] / "course"):
        if parent.is_dir() and any(
            (p / "solution.py").is_file() for p in parent.iterdir() if p.is_dir()
        ):
            secrets.append(parent)
    return [str(Path(s).resolve()) for s in secrets]


def _submissions(folder: Path, exercise: str) -> list:
    """(student, file or None, problem) for every entry of the submissions folder."""
    entries = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith("."):
            continue
        if p.is_file():
            if p.suffix in (".py", ".ipynb"):
                entries.append((p.stem, p, None, ""))
            elif p.suffix != ".toml":
                entries.append((p.stem, None, None, f"not a .py or .ipynb file: {p.name}"))
            continue
        answers = p / "answers.toml"
        file = find_submission_file(p, exercise)
        problem = "" if file else "no exercise.py (or single .py / .ipynb) in the folder"
        entries.append((p.name, file, answers if answers.is_file() else None, problem))
    for p in sorted(folder.glob("*.toml")):  # STUDENT.toml answers next to STUDENT.py
        entries = [(s, f, p if (s == p.stem and a is None) else a, pr) for s, f, a, pr in entries]
    students = [e[0] for e in entries]
    dupes = {s for s in students if students.count(s) > 1}
    if dupes:
        raise ValueError(
            f"submissions: more than one submission for {', '.join(sorted(dupes))} "
            "(e.g. both NAME.py and NAME.ipynb)"
        )
    return entries


def _fingerprint(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()


# --- one submission -----------------------------------------------------------------------


def _grade_one(entry, cases, questions, *, limits, mode, secrets, slots, seed, run=None):
    student, file, answers_path, problem = entry
    start = time.perf_counter()
    row = {"student": student, "tests": [], "questions": [], "notes": [], "output": ""}
    source = None
    if file is not None:
        try:
            source = submission_source(file)
        except Exception as exc:  # noqa: BLE001 - a broken notebook still gets a row
            problem = f"could not read {file.name}: {type(exc).__name__}: {exc}"
    if source is None:
        row["notes"].append(problem)
        row["tests"] = [
            {
                "name": c.name,
                "public": c.public,
                "points": 0,
                "max_points": c.points,
                "status": "not run",
                "message": problem,
                "hint": "",
            }
            for c in cases
        ]
    else:
        slot = slots.acquire()
        try:
            results, output, import_error = run_tests(
                source,
                cases,
                limits=limits,
                mode=mode,
                secrets=secrets,
                slot=slot,
                seed=seed,
                filename=file.name,
                run=run,
            )
        finally:
            slots.release(slot)
        row["tests"] = [r.to_dict() for r in results]
        row["output"] = output
        if import_error:
            row["notes"].append(import_error.splitlines()[0])
    if questions is not None:
        answers = {}
        if answers_path is not None:
            try:
                answers = read_toml(answers_path)
            except Exception as exc:  # noqa: BLE001 - a syntax error in answers.toml
                row["notes"].append(f"answers.toml could not be read: {exc}")
        row["questions"] = [q.to_dict() for q in grade_questions(questions, answers)]
    row["points"] = sum(t["points"] for t in row["tests"]) + sum(
        q["points"] for q in row["questions"]
    )
    row["seconds"] = round(time.perf_counter() - start, 3)
    return row


# --- the batch ----------------------------------------------------------------------------


def grade(
    submissions,
    *,
    exercise,
    tests,
    out="grades.csv",
    n_jobs=2,
    timeout=10.0,
    total_timeout=60.0,
    memory_mb=2048,
    cpu_seconds=30,
    max_processes=16,
    max_output_bytes=1 << 20,
    import_timeout=30.0,
    sandbox="auto",
    feedback_format="md",
    random_state=0,
    verbose=False,
):
    """Grade every submission in a folder against an exercise's public and hidden tests.

    Parameters
    ----------
    submissions : str or Path
        A folder with one entry per student: ``NAME.py``, ``NAME.ipynb`` or a
        folder ``NAME/`` holding ``exercise.py`` (or one ``.py`` / ``.ipynb``)
        and optionally ``answers.toml`` (``NAME.toml`` next to ``NAME.py``).
    exercise : str
        The exercise name (``scidl course list``).
    tests : str or Path
        The instructor's folder of the exercise (holding ``tests_hidden.py``,
        optionally ``tests_public.py`` and ``questions.toml`` with answers), or
        the course folder above it.
    out : str or Path, default "grades.csv"
        The CSV gradebook; the JSON report goes next to it (``.json``), the
        feedback into ``feedback/`` beside it, and the progress log to
        ``OUT.progress.jsonl``.
    n_jobs : int, default 2
        Submissions graded in parallel.
    timeout : float, default 10.0
        Wall-clock seconds per call into the submission.
    total_timeout : float, default 60.0
        Wall-clock seconds for one submission in all.
    memory_mb : int, default 2048
        Address-space limit of the submission's process, in MiB.
    cpu_seconds : int, default 30
        CPU-time limit of the submission's process.
    max_processes : int, default 16
        Processes the submission may start.
    max_output_bytes : int, default 1 MiB
        Limit on what it prints (and on any file it writes).
    import_timeout : float, default 30.0
        Wall-clock seconds to start the sandbox and import the submission (importing
        torch or scidl takes seconds on a loaded machine).
    sandbox : {"auto", "namespaces", "rlimits"}, default "auto"
        Isolation; see ``docs/course.md``. ``"auto"`` takes namespaces when
        ``unshare`` works here.
    feedback_format : {"md", "html"}, default "md"
        Format of the per-student feedback files.
    random_state : int, default 0
        Seed of ``random`` and ``numpy.random`` in the submission's process.
    verbose : bool, default False
        Print one line per graded submission.

    Returns
    -------
    Gradebook
        ``rows`` (dicts with ``student``, ``points``, ``tests``, ``questions``,
        ``notes``), ``columns``, ``max_points``, the paths written, the sandbox
        mode used, and how many submissions were graded now or resumed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scidl.course import grade
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "subs").mkdir(); (root / "tests").mkdir()
    >>> _ = (root / "tests" / "tests_public.py").write_text("")
    >>> _ = (root / "subs" / "ada.py").write_text(
    ...     "def fit_least_squares(Phi, y):\\n    import numpy as np\\n"
    ...     "    return np.linalg.lstsq(Phi, y, rcond=None)[0]\\n")
    >>> _ = (root / "tests" / "tests_hidden.py").write_text(
    ...     "import numpy as np\\nfrom scidl.course import assert_close\\n"
    ...     "def test_exact(sub):\\n"
    ...     "    assert_close(sub.fit_least_squares(np.eye(2), np.ones(2)), [1, 1])\\n")
    >>> book = grade(root / "subs", exercise="least-squares", tests=root / "tests",
    ...              out=root / "grades.csv", n_jobs=1)
    >>> book.row("ada")["points"] == book.max_points
    True
    """
    t0 = time.perf_counter()
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise ValueError(f"submissions must be a folder; got {str(submissions)!r}")
    ex = get_exercise(exercise)
    tests_dir = _tests_folder(tests, ex.name)
    out = Path(out)
    if out.suffix.lower() != ".csv":
        raise ValueError(f"out must be a .csv file name; got {str(out)!r}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive integer; got {n_jobs!r}")
    if feedback_format not in ("md", "html"):
        raise ValueError(f"feedback_format must be 'md' or 'html'; got {feedback_format!r}")
    if isinstance(random_state, bool) or not isinstance(random_state, int) or random_state < 0:
        raise ValueError(f"random_state must be a non-negative integer; got {random_state!r}")
    limits = Limits(
        timeout,
        total_timeout,
        memory_mb,
        cpu_seconds,
        max_processes,
        max_output_bytes,
        import_timeout,
    ).validate()
    mode, note = resolve_mode(sandbox)

    public_file = tests_dir / "tests_public.py"
    if not public_file.is_file():
        public_file = ex.path / "tests_public.py"
    cases = (load_tests(public_file, public=True) if public_file.is_file() else []) + load_tests(
        tests_dir / "tests_hidden.py", public=False
    )
    questions = None
    if (tests_dir / "questions.toml").is_file():
        questions = read_toml(tests_dir / "questions.toml")
        validate_questions(questions, need_answers=True, where=str(tests_dir / "questions.toml"))
    test_bytes = b"".join(
        p.read_bytes()
        for p in (public_file, tests_dir / "tests_hidden.py", tests_dir / "questions.toml")
        if p.is_file()
    )
    config_key = _fingerprint(FORMAT_VERSION, ex.name, test_bytes, limits, random_state)

    entries = _submissions(submissions, ex.name)
    progress_path = out.with_name(out.name + ".progress.jsonl")
    done = _load_progress(progress_path)
    keys = {}
    for entry in entries:
        student, file, answers, _ = entry
        blobs = [p.read_bytes() for p in (file, answers) if p is not None and p.is_file()]
        keys[student] = _fingerprint(config_key, student, *blobs)
    todo = [e for e in entries if done.get(e[0], {}).get("key") != keys[e[0]]]
    rows = {s: r["row"] for s, r in done.items() if r.get("key") == keys.get(s)}
    resumed = len(rows)

    out.parent.mkdir(parents=True, exist_ok=True)
    json_path = out.with_suffix(".json")
    feedback_dir = out.parent / "feedback"
    feedback_dir.mkdir(exist_ok=True)
    progress_path.touch()
    outputs = [out, json_path, progress_path, feedback_dir]
    secrets = _secrets(tests_dir, submissions, out, outputs)
    run = threading.Event()  # set when this run is interrupted
    slots = SlotPool(n_jobs)  # before any file is written: n_jobs is checked here
    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        futures = {
            pool.submit(
                _grade_one,
                e,
                cases,
                questions,
                limits=limits,
                mode=mode,
                secrets=secrets,
                slots=slots,
                seed=random_state,
                run=run,
            ): e
            for e in todo
        }
        try:
            for fut in as_completed(futures):
                student = futures[fut][0]
                try:
                    row = fut.result()
                except Exception as exc:  # noqa: BLE001 - the batch goes on; the row says why
                    row = {
                        "student": student,
                        "points": 0,
                        "questions": [],
                        "output": "",
                        "tests": [
                            {
                                "name": c.name,
                                "public": c.public,
                                "points": 0,
                                "max_points": c.points,
                                "status": "error",
                                "message": f"grader error: {exc}",
                                "hint": "",
                            }
                            for c in cases
                        ],
                        "notes": [f"grader error: {type(exc).__name__}: {exc}"],
                    }
                with lock:
                    rows[student] = row
                    _append_progress(
                        progress_path, {"student": student, "key": keys[student], "row": row}
                    )
                if verbose:
                    print(f"{student}: {row['points']:g}", flush=True)
        except KeyboardInterrupt:
            # nothing more is recorded: what was running is graded again on the rerun
            run.set()
            for fut in futures:
                fut.cancel()
            kill_sandboxes(run)
            raise
        finally:
            pool.shutdown(wait=True)
            slots.close()

    ordered = [rows[e[0]] for e in entries]
    columns = [c.name for c in cases] + (
        [q["id"] for q in questions["question"]] if questions else []
    )
    max_points = sum(c.points for c in cases) + (
        sum(q.get("points", 1) for q in questions["question"]) if questions else 0
    )
    _write_csv(out, ordered, cases, questions, max_points)
    report = {
        "format_version": FORMAT_VERSION,
        "exercise": ex.name,
        "max_points": max_points,
        "sandbox": mode,
        "sandbox_note": note,
        "limits": vars(limits),
        "columns": columns,
        "students": ordered,
    }
    with atomic_write(json_path, "w") as f:
        json.dump(report, f, indent=1)
    for row in ordered:
        text = _feedback_markdown(row, ex, max_points)
        name = _safe_name(row["student"])
        if feedback_format == "html":
            text = _markdown_to_html(text, title=f"{ex.title}: {row['student']}")
        with atomic_write(feedback_dir / f"{name}.{feedback_format}", "w") as f:
            f.write(text)
    return Gradebook(
        ordered,
        columns,
        max_points,
        out,
        json_path,
        feedback_dir,
        mode,
        note,
        time.perf_counter() - t0,
        len(todo),
        resumed,
    )


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "_"


def _load_progress(path: Path) -> dict:
    done = {}
    if not path.is_file():
        return done
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                record = json.loads(line)
                done[record["student"]] = record
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by an interruption: graded again
    return done


def _append_progress(path: Path, record: dict):
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _write_csv(out, rows, cases, questions, max_points):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["student", "total", "max_points"]
    header += [f"{c.name} ({'public' if c.public else 'hidden'}, {c.points:g})" for c in cases]
    qs = questions["question"] if questions else []
    header += [f"{q['id']} (question, {q.get('points', 1):g})" for q in qs]
    header += ["notes"]
    writer.writerow(header)
    for row in rows:
        tests = {t["name"]: t["points"] for t in row["tests"]}
        answers = {q["id"]: q["points"] for q in row["questions"]}
        writer.writerow(
            [row["student"], f"{row['points']:g}", f"{max_points:g}"]
            + [f"{tests.get(c.name, 0):g}" for c in cases]
            + [f"{answers.get(q['id'], 0):g}" for q in qs]
            + ["; ".join(row["notes"])]
        )
    with atomic_write(out, "w") as f:
        f.write(buffer.getvalue())


def _test_lines(tests) -> list:
    lines = []
    for t in tests:
        mark = "passed" if t["status"] == "passed" else t["status"].upper()
        kind = "public" if t["public"] else "hidden"
        lines.append(f"- **{t['name']}** ({kind}, {t['points']:g}/{t['max_points']:g}): {mark}")
        if t["status"] != "passed" and t["message"]:
            lines += ["", "  ```", *("  " + ln for ln in t["message"].splitlines()), "  ```"]
        if t["status"] != "passed" and t.get("hint"):
            lines += [
                "",
                "  Hint / where:",
                "",
                "  ```",
                *("  " + ln for ln in t["hint"].splitlines()),
                "  ```",
            ]
    return lines


def _feedback_markdown(row, ex, max_points) -> str:
    pub = [t for t in row["tests"] if t["public"]]
    hid = [t for t in row["tests"] if not t["public"]]
    lines = [
        f"# {ex.title}: feedback for {row['student']}",
        "",
        f"**Score: {row['points']:g} / {max_points:g}**",
        "",
        f"- public tests passed: {sum(t['status'] == 'passed' for t in pub)} of {len(pub)}",
        f"- hidden tests passed: {sum(t['status'] == 'passed' for t in hid)} of {len(hid)}",
    ]
    if row["questions"]:
        ok = sum(q["status"] == "correct" for q in row["questions"])
        lines.append(f"- questions answered correctly: {ok} of {len(row['questions'])}")
    if row["notes"]:
        lines += ["", "## Notes", "", *(f"- {n}" for n in row["notes"])]
    lines += ["", "## Tests", "", *_test_lines(row["tests"])]
    if row["questions"]:
        lines += ["", "## Questions", ""]
        for q in row["questions"]:
            extra = f" ({q['message']})" if q["message"] else ""
            lines.append(
                f"- **{q['id']}** ({q['points']:g}/{q['max_points']:g}): {q['status']}{extra}"
            )
    if row.get("output"):
        lines += [
            "",
            "## What your code printed (first lines)",
            "",
            "```",
            row["output"][:3000],
            "```",
        ]
    return "\n".join(lines) + "\n"


def _markdown_to_html(text: str, *, title: str) -> str:
    body = html.escape(text)
    return (
        f"<!doctype html>\n<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "</head>\n<body><pre style='white-space: pre-wrap; font-family: sans-serif'>\n"
        f"{body}</pre></body></html>\n"
    )


# --- the student's self-check -------------------------------------------------------------


def check(directory, *, exercise=None, timeout=10.0, sandbox="auto"):
    """Run the public tests of an exercise on a student's folder, with readable feedback.

    Parameters
    ----------
    directory : str or Path
        A folder made by :func:`start_exercise` (or any folder holding
        ``exercise.py`` or one notebook).
    exercise : str, default None
        The exercise; ``None`` reads the folder's marker file.
    timeout : float, default 10.0
        Wall-clock seconds per call.
    sandbox : {"auto", "namespaces", "rlimits"}, default "auto"
        Isolation, as in :func:`grade`.

    Returns
    -------
    CheckReport
        ``results`` (one per public test), ``passed``, ``output``,
        ``import_error``, and ``text()``: the feedback to print.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scidl.course import check, start_exercise
    >>> folder = start_exercise("least-squares", pathlib.Path(tempfile.mkdtemp()) / "ls")
    >>> report = check(folder)
    >>> report.passed  # the stub passes nothing yet
    0
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"directory must be a folder; got {str(directory)!r}")
    if exercise is None:
        marker = directory / MARKER
        if not marker.is_file():
            raise ValueError(
                f"directory {str(directory)!r} was not made by `scidl course start`; "
                "name the exercise (--exercise)"
            )
        exercise = json.loads(marker.read_text(encoding="utf-8"))["exercise"]
    ex = get_exercise(exercise)
    file = find_submission_file(directory, ex.name)
    if file is None:
        raise ValueError(f"directory {str(directory)!r} holds no exercise.py (or single notebook)")
    limits = Limits(timeout=timeout, total_timeout=max(60.0, 6 * timeout)).validate()
    mode, _ = resolve_mode(sandbox)
    cases = load_tests(ex.path / "tests_public.py", public=True)
    slots = SlotPool(1)
    try:
        results, output, import_error = run_tests(
            submission_source(file),
            cases,
            limits=limits,
            mode=mode,
            secrets=[],
            slot=slots.acquire(),
            filename=file.name,
        )
    finally:
        slots.close()
    problems = []
    answers = directory / "answers.toml"
    if answers.is_file() and (ex.path / "questions.toml").is_file():
        try:
            given = read_toml(answers)
            ids = [q["id"] for q in read_toml(ex.path / "questions.toml").get("question", [])]
            problems += [f"unanswered question: {q}" for q in ids if q not in given]
            problems += [f"unknown question id in answers.toml: {k}" for k in given if k not in ids]
        except Exception as exc:  # noqa: BLE001 - report, do not crash
            problems.append(f"answers.toml could not be read: {exc}")
    return CheckReport(ex.name, results, output, import_error, mode, problems)


def _check_text(report: CheckReport) -> str:
    n, passed = len(report.results), report.passed
    lines = [f"scidl course check: {report.exercise}", ""]
    if report.import_error:
        lines += ["Your file did not import:", "", report.import_error, ""]
    for r in report.results:
        if r.status == "passed":
            lines.append(f"  PASS    {r.name}")
            continue
        lines.append(f"  {r.status.upper():<7} {r.name}")
        lines += ["          " + ln for ln in r.message.splitlines()]
        if r.hint:
            lines += ["          hint: " + ln for ln in r.hint.splitlines()]
    lines.append("")
    lines.append(f"{passed} of {n} public tests passed.")
    if passed == n:
        lines.append(
            "The instructor grades with further hidden tests: passing the public tests "
            "does not guarantee full points."
        )
    lines += [f"answers.toml: {p}" for p in report.answers_problems]
    if report.output:
        lines += ["", "Your code printed:", report.output[:2000]]
    return "\n".join(lines)
