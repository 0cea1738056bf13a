"""Every exercise: the reference solution scores full points, the stub scores 0, and the
student files shipped in the package are up to date and hold no solution and no hidden test."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from scidl.course import build_student_files, grade, list_exercises
from scidl.course._exercises import PACKAGE_EXERCISES, read_toml, student_files

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "course"
NAMES = [e.name for e in list_exercises()]
# chapters of the syllabus with code (chapter 1 is the introduction) must have exercises
CHAPTERS_WITH_CODE = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11}


def _answer_key(questions: dict) -> str:
    lines = []
    for q in questions.get("question", []):
        answer = q["answer"][0] if isinstance(q["answer"], list) else q["answer"]
        lines.append(f"{q['id']!r} = {answer!r}".replace("'", '"'))
    return "\n".join(lines) + "\n"


def test_every_instructor_exercise_is_shipped():
    instructor = sorted(p.name for p in COURSE.iterdir() if (p / "exercise.toml").is_file())
    assert sorted(NAMES) == instructor
    assert CHAPTERS_WITH_CODE <= {e.chapter for e in list_exercises()}


def test_student_files_are_up_to_date(tmp_path):
    """`scidl course build` would not change the shipped files (rerun it if this fails)."""
    build_student_files(COURSE, tmp_path)
    for name in NAMES:
        built = sorted(p.name for p in (tmp_path / name).iterdir())
        shipped = sorted(p.name for p in (PACKAGE_EXERCISES / name).iterdir())
        assert built == shipped, name
        for fname in built:
            assert (tmp_path / name / fname).read_text() == (
                PACKAGE_EXERCISES / name / fname
            ).read_text(), f"{name}/{fname} is stale: run `scidl course build`"


@pytest.mark.parametrize("name", NAMES)
def test_student_files_hold_no_solution(name):
    shipped = PACKAGE_EXERCISES / name
    assert not (shipped / "tests_hidden.py").exists()
    assert not (shipped / "solution.py").exists()
    stub = (shipped / "exercise.py").read_text()
    assert "BEGIN SOLUTION" not in stub and "END SOLUTION" not in stub
    solution = (COURSE / name / "solution.py").read_text()
    blocks = re.findall(r"# BEGIN SOLUTION\n(.*?)# END SOLUTION", solution, flags=re.S)
    assert blocks
    body_lines = {ln.strip() for b in blocks for ln in b.splitlines() if len(ln.strip()) > 12}
    leaked = [ln for ln in stub.splitlines() if ln.strip() in body_lines]
    assert leaked == []
    # every function of the stub raises NotImplementedError (nothing half-solved ships)
    tree = ast.parse(stub)
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    assert {f.name for f in funcs} >= set(read_toml(shipped / "exercise.toml")["functions"])
    for f in funcs:
        assert isinstance(f.body[-1], ast.Raise), f.name
    # the questions ship without their answers
    if (shipped / "questions.toml").exists():
        for q in read_toml(shipped / "questions.toml")["question"]:
            assert "answer" not in q and "explanation" not in q
        assert read_toml(COURSE / name / "questions.toml")["question"][0]["answer"] is not None
    # the public tests are the instructor's, unchanged; the hidden ones are not among them
    hidden = (COURSE / name / "tests_hidden.py").read_text()
    public = (shipped / "tests_public.py").read_text()
    hidden_names = set(re.findall(r"def (test_\w+)", hidden))
    assert hidden_names and not hidden_names & set(re.findall(r"def (test_\w+)", public))
    assert student_files(COURSE / name)["tests_public.py"] == public


def test_reference_full_points_and_stub_zero(tmp_path):
    """All exercises through the real grader: reference (with the answer key) vs stub."""
    failures = []
    for name in NAMES:
        subs = tmp_path / name / "subs"
        (subs / "reference").mkdir(parents=True)
        (subs / "stub").mkdir()
        shutil.copy(COURSE / name / "solution.py", subs / "reference" / "exercise.py")
        questions = read_toml(COURSE / name / "questions.toml")
        (subs / "reference" / "answers.toml").write_text(_answer_key(questions))
        shutil.copy(PACKAGE_EXERCISES / name / "exercise.py", subs / "stub" / "exercise.py")
        book = grade(
            subs, exercise=name, tests=COURSE / name, out=tmp_path / name / "grades.csv", n_jobs=2
        )
        ref, stub = book.row("reference"), book.row("stub")
        if ref["points"] != book.max_points:
            bad = [(t["name"], t["message"]) for t in ref["tests"] if t["status"] != "passed"]
            bad += [(q["id"], q["status"]) for q in ref["questions"] if q["status"] != "correct"]
            failures.append((name, "reference", bad))
        if stub["points"] != 0:
            failures.append((name, "stub", stub["points"]))
        n_hidden = sum(not t["public"] for t in ref["tests"])
        assert n_hidden >= 1 and n_hidden < len(ref["tests"]) + 1, name
    assert failures == []
