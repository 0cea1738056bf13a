"""Course mode: exercises for every chapter and a sandboxed automatic grader.

Students: ``scidl course list``, ``scidl course start EXERCISE --dir DIR``,
``scidl course check DIR``. Instructors: ``scidl course grade SUBMISSIONS --exercise E
--tests HIDDEN_TESTS_DIR --out grades.csv`` and ``scidl course build``. See ``docs/course.md``.

- :func:`list_exercises`, :func:`start_exercise`: the exercises shipped with scidl (student
  versions: statement, stub, public tests, questions without answers).
- :func:`check`: run the public tests on a student's folder, with readable feedback.
- :func:`grade`: grade a folder of submissions (``.py`` or notebooks) against public and hidden
  tests, each in its own sandbox; writes a CSV gradebook, a JSON report and feedback.
- :func:`grade_questions`: multiple-choice and numeric questions (TOML) with tolerances.
- :func:`build_student_files`, :func:`strip_solutions`: generate the student files from the
  instructor's sources (the repository's ``course/`` folder).
- :func:`points`, :func:`assert_close`, :func:`assert_equal`, :class:`CheckFailure`: for
  writing tests.
"""

from scidl.course._exercises import (
    build_student_files,
    list_exercises,
    start_exercise,
    strip_solutions,
)
from scidl.course._grader import check, grade
from scidl.course._harness import CheckFailure, assert_close, assert_equal, points
from scidl.course._questions import grade_questions

__all__ = [
    "CheckFailure",
    "assert_close",
    "assert_equal",
    "build_student_files",
    "check",
    "grade",
    "grade_questions",
    "list_exercises",
    "points",
    "start_exercise",
    "strip_solutions",
]
