"""Course mode: stripping, questions, the codec, notebooks, resuming, the CLI, bad input."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from scidl.cli import main
from scidl.course import (
    assert_close,
    assert_equal,
    check,
    grade,
    grade_questions,
    start_exercise,
    strip_solutions,
)
from scidl.course._worker import decode, encode

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "course" / "least-squares"
SOLUTION = (TESTS / "solution.py").read_text()


# --- stripping ----------------------------------------------------------------------------


def test_strip_keeps_module_importable_and_signatures():
    src = (
        "import numpy as np\n"
        "# BEGIN SOLUTION\n"
        "HELPER = 3\n"
        "# END SOLUTION\n"
        "def f(x, *, k=2):\n"
        '    """Doc."""\n'
        "    # BEGIN SOLUTION\n"
        "    return HELPER * x\n"
        "    # END SOLUTION\n"
    )
    out = strip_solutions(src)
    assert "HELPER" not in out and "return" not in out
    assert "def f(x, *, k=2):" in out and '"""Doc."""' in out
    namespace = {}
    exec(compile(out, "stub", "exec"), namespace)  # the stub imports
    with pytest.raises(NotImplementedError, match="f"):
        namespace["f"](1)


@pytest.mark.parametrize(
    "src, match",
    [
        ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("# END SOLUTION\n", "without BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "nested"),
    ],
)
def test_strip_rejects_broken_markers(src, match):
    with pytest.raises(ValueError, match=match):
        strip_solutions(src)


# --- questions ----------------------------------------------------------------------------

QUESTIONS = {
    "question": [
        {"id": "a", "kind": "choice", "text": "?", "choices": ["a", "b"], "answer": ["b", "c"]},
        {"id": "b", "kind": "numeric", "text": "?", "answer": 100.0, "points": 2},
        {"id": "c", "kind": "numeric", "text": "?", "answer": 0.25, "tolerance": 0.01},
    ]
}


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({"a": "c", "b": 100.05, "c": 0.259}, ["correct", "correct", "correct"]),
        ({"a": " B ", "b": "100", "c": 0.241}, ["correct", "correct", "correct"]),
        ({"a": "a", "b": 100.2, "c": 0.27}, ["wrong", "wrong", "wrong"]),  # rtol 1e-3 default
        ({"a": 2, "b": "many", "c": float("nan")}, ["invalid", "invalid", "invalid"]),
        ({}, ["missing", "missing", "missing"]),
    ],
)
def test_questions_with_tolerances(answers, expected):
    results = grade_questions(QUESTIONS, answers)
    assert [r.status for r in results] == expected
    assert sum(r.points for r in results) == (4 if expected[0] == "correct" else 0)


def test_questions_reject_bad_files():
    with pytest.raises(ValueError, match="kind"):
        grade_questions({"question": [{"id": "x", "kind": "essay", "answer": 1}]}, {})
    with pytest.raises(ValueError, match="no answer"):
        grade_questions({"question": [{"id": "x", "kind": "numeric"}]}, {})
    with pytest.raises(TypeError, match="answers"):
        grade_questions(QUESTIONS, ["b"])


# --- codec and checks ---------------------------------------------------------------------


def test_codec_round_trip_and_refusals():
    value = {"w": np.arange(6.0).reshape(2, 3), "n": (1, 2.5, None, True), "s": ["x", 1j]}
    back = decode(json.loads(json.dumps(encode(value))))
    np.testing.assert_array_equal(back["w"], value["w"])
    assert back["n"] == (1, 2.5, None, True) and back["s"] == ["x", 1j]
    assert "function" in repr(decode(encode(lambda: 0)))  # carried as a description only
    with pytest.raises(ValueError, match="dtype"):
        decode({"__ndarray__": ["|O", [1], ""]})
    with pytest.raises(ValueError, match="size"):
        decode({"__ndarray__": ["<f8", [3], "AAAAAAAAAAA="]})


def test_assert_helpers_explain_failures():
    with pytest.raises(AssertionError, match=r"wrong shape: expected \(2,\), got \(3,\)"):
        assert_close([1, 2, 3], [1, 2], what="w")
    with pytest.raises(AssertionError, match="largest difference at index"):
        assert_close([[1.0, 2.0]], [[1.0, 3.0]])
    with pytest.raises(AssertionError, match="should be numbers"):
        assert_close("abc", [1.0])
    with pytest.raises(AssertionError, match="expected 3, got 4"):
        assert_equal(4, 3)


# --- grading a small class ----------------------------------------------------------------


def _notebook(path: Path, source: str) -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# My solution"),
        nbformat.v4.new_code_cell("%matplotlib inline\n" + source),
        nbformat.v4.new_code_cell("!pip install nothing"),
    ]
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    subs = root / "subs"
    subs.mkdir()
    (subs / "ada.py").write_text(SOLUTION)
    (subs / "ada.toml").write_text('ls-overfit = "a"\nls-mean = 3\n')
    _notebook(subs / "bob.ipynb", SOLUTION)
    (subs / "cy").mkdir()
    (subs / "cy" / "exercise.py").write_text(SOLUTION.replace("x[:, None] **", "x[:, None] * 0 +"))
    (subs / "cy" / "answers.toml").write_text('ls-overfit = "b"\nls-mean = 3.0\n')
    (subs / "dee").mkdir()  # an empty folder: still a row
    (subs / "eve.txt").write_text("not code")
    book = grade(
        subs, exercise="least-squares", tests=TESTS, out=root / "out" / "grades.csv", n_jobs=2
    )
    return root, subs, book


def test_gradebook_rows_columns_and_totals(classroom):
    root, _, book = classroom
    assert [r["student"] for r in book.rows] == ["ada", "bob", "cy", "dee", "eve"]
    assert book.max_points == 11
    assert book.row("ada")["points"] == 11  # tests and both questions
    assert book.row("bob")["points"] == 9  # a notebook; no answers given
    assert 0 < book.row("cy")["points"] < 9  # broken features: some tests fail
    assert book.row("dee")["points"] == 0 and "no exercise.py" in book.row("dee")["notes"][0]
    assert book.row("eve")["points"] == 0 and "not a .py" in book.row("eve")["notes"][0]
    with open(book.csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["student"] for r in rows] == ["ada", "bob", "cy", "dee", "eve"]
    assert rows[0]["total"] == "11" and rows[0]["max_points"] == "11"
    assert "test_rank_deficient_minimum_norm (hidden, 2)" in rows[0]
    assert "ls-mean (question, 1)" in rows[0]
    report = json.loads(book.json_path.read_text())
    assert report["sandbox"] == book.sandbox and len(report["students"]) == 5


def test_feedback_separates_public_and_hidden(classroom):
    _, _, book = classroom
    cy = (book.feedback_dir / "cy.md").read_text()
    assert "public tests passed:" in cy and "hidden tests passed:" in cy
    assert "expected" in cy and "got" in cy
    assert "all tests passed" not in cy.lower()
    ada = (book.feedback_dir / "ada.md").read_text()
    assert "**Score: 11 / 11**" in ada


def test_rerun_resumes_and_regrades_changed_files(classroom, tmp_path):
    root, subs, book = classroom
    work = tmp_path / "subs"
    shutil.copytree(subs, work)
    out = tmp_path / "grades.csv"
    shutil.copy(
        book.csv_path.with_name("grades.csv.progress.jsonl"),
        out.with_name(out.name + ".progress.jsonl"),
    )
    # progress was recorded under the original folder's files: same content, same keys
    again = grade(work, exercise="least-squares", tests=TESTS, out=out, n_jobs=2)
    assert again.graded_now == 0 and again.resumed == 5
    assert [r["points"] for r in again.rows] == [r["points"] for r in book.rows]
    # a changed submission and a new one are graded; an interrupted (cut) line is ignored
    (work / "cy" / "exercise.py").write_text(SOLUTION)
    (work / "fay.py").write_text(SOLUTION)
    with open(out.with_name(out.name + ".progress.jsonl"), "a") as f:
        f.write('{"student": "gus", "key": "abc", "row": {')
    third = grade(work, exercise="least-squares", tests=TESTS, out=out, n_jobs=2)
    assert third.graded_now == 2 and third.resumed == 4
    assert third.row("cy")["points"] == 10 and third.row("fay")["points"] == 9


def test_bad_arguments_name_the_argument(tmp_path):
    (tmp_path / "subs").mkdir()
    ok = dict(exercise="least-squares", tests=TESTS, out=tmp_path / "g.csv")
    with pytest.raises(ValueError, match="submissions"):
        grade(tmp_path / "missing", **ok)
    with pytest.raises(ValueError, match="exercise must be one of"):
        grade(tmp_path / "subs", **{**ok, "exercise": "nope"})
    with pytest.raises(ValueError, match="tests must be a folder"):
        grade(tmp_path / "subs", **{**ok, "tests": tmp_path})
    with pytest.raises(ValueError, match="out must be a .csv"):
        grade(tmp_path / "subs", **{**ok, "out": tmp_path / "g.xlsx"})
    with pytest.raises(ValueError, match="n_jobs"):
        grade(tmp_path / "subs", **ok, n_jobs=0)
    with pytest.raises(ValueError, match="timeout"):
        grade(tmp_path / "subs", **ok, timeout=-1)
    with pytest.raises(ValueError, match="sandbox"):
        grade(tmp_path / "subs", **ok, sandbox="docker")
    with pytest.raises(ValueError, match="directory"):
        check(tmp_path / "nothing")


# --- the student's side and the command line ----------------------------------------------


def test_student_workflow_through_the_cli(tmp_path, capsys):
    folder = tmp_path / "ls"
    assert main(["course", "start", "least-squares", "--dir", str(folder)]) == 0
    assert (folder / "README.md").is_file() and (folder / "tests_public.py").is_file()
    assert main(["course", "start", "least-squares", "--dir", str(folder)]) == 2  # no overwrite
    assert main(["course", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "0 of 3 public tests passed" in out and "not implemented yet" in out
    (folder / "exercise.py").write_text(
        SOLUTION.replace("    return np.asarray(Phi", "    1 / 0\n    return np.asarray(Phi")
    )
    assert main(["course", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "predict() raised ZeroDivisionError" in out
    assert 'hint:   File "exercise.py", line' in out  # where in the student's own file
    (folder / "exercise.py").write_text(SOLUTION)
    assert main(["course", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "3 of 3 public tests passed" in out
    assert "hidden tests" in out and "does not guarantee full points" in out
    assert main(["course", "list"]) == 0
    assert "q-learning" in capsys.readouterr().out


def test_instructor_grade_through_the_cli(tmp_path, capsys):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ada.py").write_text(SOLUTION)
    out = tmp_path / "g.csv"
    argv = ["course", "grade", str(subs), "--exercise", "least-squares", "--tests", str(TESTS)]
    assert main(argv + ["--out", str(out), "--feedback", "html", "--jobs", "1"]) == 0
    assert "graded 1 submission" in capsys.readouterr().out
    assert (tmp_path / "feedback" / "ada.html").read_text().startswith("<!doctype html>")
    assert main(argv[:4] + ["--exercise", "nope", "--tests", str(TESTS)]) == 2


def test_start_exercise_checks_its_arguments(tmp_path):
    with pytest.raises(ValueError, match="exercise must be one of"):
        start_exercise("nope", tmp_path / "x")
    with pytest.raises(TypeError, match="exercise must be a str"):
        start_exercise(3, tmp_path / "x")
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="directory"):
        start_exercise("pca", tmp_path / "file")


def test_notebooks_without_nbformat_name_the_extra(tmp_path, monkeypatch):
    import sys

    from scidl.course._exercises import submission_source

    (tmp_path / "a.ipynb").write_text("{}")
    monkeypatch.setitem(sys.modules, "nbformat", None)
    with pytest.raises(ImportError, match=r'pip install "scidl\[course\]"'):
        submission_source(tmp_path / "a.ipynb")
