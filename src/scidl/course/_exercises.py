"""The exercises: where they live, how a student starts one, how student files are built.

Two places, so that solutions never ship:

- the instructor's sources, in the repository's top-level ``course/`` folder
  (never installed): per exercise ``exercise.toml`` (name, title, chapter,
  order), ``README.md`` (the statement), ``solution.py`` (the stub with its
  solution blocks between ``# BEGIN SOLUTION`` and ``# END SOLUTION``),
  ``tests_public.py``, ``tests_hidden.py`` and ``questions.toml`` (with answers);
- the student version, generated from them by :func:`build_student_files` into
  the installed package (``scidl/course/exercises/``): the statement, the stub
  ``exercise.py`` (solution blocks replaced by ``raise NotImplementedError``),
  the public tests and the questions without answers.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

__all__ = ["build_student_files", "list_exercises", "start_exercise", "strip_solutions"]

PACKAGE_EXERCISES = Path(__file__).resolve().parent / "exercises"
STUDENT_FILES = ("exercise.toml", "README.md", "exercise.py", "tests_public.py", "questions.toml")
MARKER = ".scidl-exercise"
# the stub keeps the solution's imports for the student to use
_STUB_HEADER = "# ruff: noqa: F401\n"
_BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise ImportError(
                "reading TOML on Python 3.10 needs the tomli package: pip install tomli"
            ) from None
    return tomllib


def read_toml(path) -> dict:
    with open(path, "rb") as f:
        return _toml().load(f)


@dataclass(frozen=True)
class Exercise:
    """One exercise of the course (student view)."""

    name: str
    title: str
    chapter: int
    order: int
    path: Path

    @property
    def functions(self) -> list[str]:
        return list(read_toml(self.path / "exercise.toml").get("functions", []))


def _load(folder: Path) -> Exercise:
    meta = read_toml(folder / "exercise.toml")
    return Exercise(
        meta["name"], meta["title"], int(meta["chapter"]), int(meta.get("order", 0)), folder
    )


def list_exercises(root=None) -> list:
    """The exercises, in syllabus order (chapter, then order within the chapter).

    Parameters
    ----------
    root : str or Path, default None
        A folder of exercise folders; ``None`` reads the student versions
        shipped with scidl.

    Returns
    -------
    list of Exercise
        Each has ``name``, ``title``, ``chapter``, ``order`` and ``path``.

    Examples
    --------
    >>> from scidl.course import list_exercises
    >>> exercises = list_exercises()
    >>> exercises[0].name, exercises[0].chapter
    ('least-squares', 2)
    """
    root = PACKAGE_EXERCISES if root is None else Path(root)
    if not root.is_dir():
        raise ValueError(f"root must be a folder of exercises; got {str(root)!r}")
    found = [_load(p) for p in sorted(root.iterdir()) if (p / "exercise.toml").is_file()]
    return sorted(found, key=lambda e: (e.chapter, e.order, e.name))


def get_exercise(name, root=None) -> Exercise:
    if not isinstance(name, str):
        raise TypeError(f"exercise must be a str (a name from `scidl course list`); got {name!r}")
    exercises = list_exercises(root)
    for exercise in exercises:
        if exercise.name == name:
            return exercise
    names = ", ".join(e.name for e in exercises)
    raise ValueError(f"exercise must be one of {names}; got {name!r}")


def start_exercise(name, directory, *, overwrite=False) -> Path:
    """Copy an exercise's student files into ``directory`` for a student to work on.

    Parameters
    ----------
    name : str
        The exercise, as listed by :func:`list_exercises`.
    directory : str or Path
        Folder to create (or an empty folder).
    overwrite : bool, default False
        Replace files already there (a student's work is never replaced otherwise).

    Returns
    -------
    Path
        The folder, holding ``README.md`` (the statement), ``exercise.py`` (to
        fill in), ``tests_public.py``, ``answers.toml`` (when the chapter has
        questions) and a marker file naming the exercise.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scidl.course import start_exercise
    >>> folder = start_exercise("least-squares", pathlib.Path(tempfile.mkdtemp()) / "ls")
    >>> sorted(p.name for p in folder.iterdir())[:3]
    ['.scidl-exercise', 'README.md', 'answers.toml']
    """
    exercise = get_exercise(name)
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"directory must be a folder; {str(directory)!r} is a file")
    directory.mkdir(parents=True, exist_ok=True)
    names = ["README.md", "exercise.py", "tests_public.py", "questions.toml"]
    targets = [directory / n for n in names] + [directory / "answers.toml"]
    clash = [t.name for t in targets if t.exists()]
    if clash and not overwrite:
        raise FileExistsError(
            f"directory {str(directory)!r} already holds {', '.join(clash)}; "
            "pass overwrite=True (--force) to replace them"
        )
    for n in names:
        if (exercise.path / n).is_file():
            shutil.copyfile(exercise.path / n, directory / n)
    questions = exercise.path / "questions.toml"
    if questions.is_file():
        qs = read_toml(questions).get("question", [])
        lines = ["# Your answers to the questions in questions.toml: id = answer", ""]
        for q in qs:
            example = '"b"' if q["kind"] == "choice" else "0.0"
            lines.append(f"# {q['id']} = {example}")
        (directory / "answers.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (directory / MARKER).write_text(
        json.dumps({"exercise": exercise.name}) + "\n", encoding="utf-8"
    )
    return directory


# --- building the student files -----------------------------------------------------------


def strip_solutions(text: str) -> str:
    """Replace every solution block of ``text`` with a stub.

    Inside a function, the block becomes ``# YOUR CODE HERE`` and
    ``raise NotImplementedError`` at the block's indentation; at module level it
    becomes the comment only, so that the stub still imports.

    Parameters
    ----------
    text : str
        Source with blocks between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` lines.

    Returns
    -------
    str
        The source without the blocks.

    Examples
    --------
    >>> from scidl.course import strip_solutions
    >>> src = "def f(x):\\n    # BEGIN SOLUTION\\n    return 2 * x\\n    # END SOLUTION\\n"
    >>> print(strip_solutions(src))
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError("f")
    <BLANKLINE>
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}")
    out, inside, func = [], None, None
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*def\s+(\w+)", line)
        if m and inside is None:
            func = m.group(1)
        begin = _BEGIN.match(line)
        if begin:
            if inside is not None:
                raise ValueError(f"text: nested BEGIN SOLUTION at line {number}")
            inside = begin.group(1)
            continue
        if _END.match(line):
            if inside is None:
                raise ValueError(f"text: END SOLUTION without BEGIN at line {number}")
            out.append(f"{inside}# YOUR CODE HERE")
            if inside:
                out.append(f'{inside}raise NotImplementedError("{func}")')
            inside = None
            continue
        if inside is None:
            out.append(line)
    if inside is not None:
        raise ValueError("text: a BEGIN SOLUTION block is never closed")
    return "\n".join(out) + "\n"


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def student_questions(questions: dict) -> str:
    """The questions as TOML without their answers and tolerances."""
    lines = [
        "# Generated by `scidl course build` from the instructor's questions; do not edit.",
        "",
    ]
    for q in questions.get("question", []):
        lines.append("[[question]]")
        for key, value in q.items():
            if key not in ("answer", "explanation"):
                lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def student_files(source: Path) -> dict:
    """The student files (name -> text) generated from one instructor exercise folder."""
    files = {
        "exercise.toml": (source / "exercise.toml").read_text(encoding="utf-8"),
        "README.md": (source / "README.md").read_text(encoding="utf-8"),
        "exercise.py": _STUB_HEADER
        + strip_solutions((source / "solution.py").read_text(encoding="utf-8")),
        "tests_public.py": (source / "tests_public.py").read_text(encoding="utf-8"),
    }
    if (source / "questions.toml").is_file():
        files["questions.toml"] = student_questions(read_toml(source / "questions.toml"))
    return files


def build_student_files(source, dest=None) -> list:
    """Generate the student versions of every exercise in ``source`` into ``dest``.

    Parameters
    ----------
    source : str or Path
        The instructor's folder (the repository's ``course/``), one subfolder per
        exercise.
    dest : str or Path, default None
        Where to write; ``None`` writes into the installed package
        (``scidl/course/exercises``). Exercise folders no longer in ``source``
        are removed.

    Returns
    -------
    list of str
        The exercise names written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scidl.course import build_student_files
    >>> src = pathlib.Path(tempfile.mkdtemp()) / "course" / "double"
    >>> src.mkdir(parents=True)
    >>> meta = 'name = "double"\\ntitle = "Double"\\nchapter = 1\\n'
    >>> _ = (src / "exercise.toml").write_text(meta)
    >>> _ = (src / "README.md").write_text("Write f.")
    >>> body = "    # BEGIN SOLUTION\\n    return 2 * x\\n    # END SOLUTION\\n"
    >>> _ = (src / "solution.py").write_text("def f(x):\\n" + body)
    >>> _ = (src / "tests_public.py").write_text("def test_f(sub):\\n    assert sub.f(1) == 2\\n")
    >>> build_student_files(src.parent, src.parent.parent / "student")
    ['double']
    """
    source = Path(source)
    if not source.is_dir():
        raise ValueError(f"source must be the instructor's course folder; got {str(source)!r}")
    dest = PACKAGE_EXERCISES if dest is None else Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in sorted(source.iterdir()):
        if not (folder / "exercise.toml").is_file():
            continue
        name = read_toml(folder / "exercise.toml")["name"]
        target = dest / name
        target.mkdir(exist_ok=True)
        files = student_files(folder)
        for stale in target.iterdir():
            if stale.is_file() and stale.name not in files:
                stale.unlink()
        for fname, text in files.items():
            (target / fname).write_text(text, encoding="utf-8")
        written.append(name)
    for folder in dest.iterdir():
        if folder.is_dir() and (folder / "exercise.toml").is_file() and folder.name not in written:
            shutil.rmtree(folder)
    return written


# --- reading submissions ------------------------------------------------------------------


def notebook_source(path) -> str:
    """The code cells of a Jupyter notebook as one Python source (magics commented out)."""
    try:
        import nbformat
    except ImportError:
        raise ImportError(
            'notebook submissions need nbformat: pip install "scidl[course]"'
        ) from None
    nb = nbformat.read(str(path), as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        lines = [
            ("# " + ln) if ln.lstrip().startswith(("%", "!")) else ln
            for ln in str(cell.get("source", "")).splitlines()
        ]
        cells.append("\n".join(lines))
    return "\n\n".join(cells) + "\n"


def submission_source(path) -> str:
    """The Python source of a ``.py`` file or a notebook."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return notebook_source(path)
    return path.read_text(encoding="utf-8", errors="replace")


def find_submission_file(folder: Path, exercise: str | None = None):
    """The file holding a student's code in ``folder`` (``exercise.py`` first), or None."""
    for name in ("exercise.py", f"{exercise}.py", "exercise.ipynb", f"{exercise}.ipynb"):
        if exercise is None and "None" in name:
            continue
        if (folder / name).is_file():
            return folder / name
    candidates = [
        p
        for p in sorted(folder.iterdir())
        if p.suffix in (".py", ".ipynb") and p.is_file() and not p.name.startswith(("tests_", "."))
    ]
    return candidates[0] if len(candidates) == 1 else None
