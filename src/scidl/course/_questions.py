"""Multiple-choice and numeric questions, in TOML, graded with tolerances.

A question file holds ``[[question]]`` tables::

    [[question]]
    id = "ls-rank"            # the key students answer under in answers.toml
    kind = "choice"           # or "numeric"
    text = "..."
    choices = ["a) ...", "b) ..."]
    answer = "b"              # instructor only; a list accepts any of its entries
    points = 1

    [[question]]
    id = "ls-residual"
    kind = "numeric"
    text = "..."
    answer = 0.25             # instructor only
    tolerance = 1e-3          # absolute; or rtol = 0.01 (relative); default rtol = 1e-3

A student answers in ``answers.toml``: ``ls-rank = "b"`` and ``ls-residual = 0.25``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

__all__ = ["grade_questions"]

KINDS = ("choice", "numeric")


@dataclass
class QuestionResult:
    id: str
    points: float
    max_points: float
    status: str  # correct | wrong | missing | invalid
    message: str = ""

    def to_dict(self):
        return asdict(self)


def validate_questions(questions: dict, *, need_answers: bool, where="questions") -> list:
    if not isinstance(questions, dict):
        raise TypeError(f"{where} must be a dict (parsed TOML); got {type(questions).__name__}")
    items = questions.get("question", [])
    if not isinstance(items, list):
        raise ValueError(f"{where}: 'question' must be an array of tables")
    seen = set()
    for i, q in enumerate(items):
        qid = q.get("id")
        if not isinstance(qid, str) or not qid:
            raise ValueError(f"{where}: question {i} needs a string id; got {qid!r}")
        if qid in seen:
            raise ValueError(f"{where}: question id {qid!r} appears twice")
        seen.add(qid)
        if q.get("kind") not in KINDS:
            raise ValueError(
                f"{where}: question {qid!r} kind must be one of {KINDS}; got {q.get('kind')!r}"
            )
        if need_answers and "answer" not in q:
            raise ValueError(
                f"{where}: question {qid!r} has no answer (the instructor's file has them)"
            )
    return items


def grade_questions(questions, answers) -> list:
    """Grade a student's answers against the instructor's questions.

    Parameters
    ----------
    questions : dict
        The parsed instructor question file (with ``answer`` fields).
    answers : dict
        The parsed ``answers.toml`` of one student: question id -> answer.

    Returns
    -------
    list of QuestionResult
        One per question, in file order, with ``id``, ``points``,
        ``max_points``, ``status`` (``"correct"``, ``"wrong"``, ``"missing"``,
        ``"invalid"``) and ``message``.

    Examples
    --------
    >>> from scidl.course import grade_questions
    >>> qs = {"question": [
    ...     {"id": "q1", "kind": "choice", "text": "?", "choices": ["a", "b"], "answer": "b"},
    ...     {"id": "q2", "kind": "numeric", "text": "?", "answer": 0.5, "tolerance": 0.01},
    ... ]}
    >>> [(r.id, r.status, r.points) for r in grade_questions(qs, {"q1": "B", "q2": 0.505})]
    [('q1', 'correct', 1), ('q2', 'correct', 1)]
    """
    items = validate_questions(questions, need_answers=True)
    if not isinstance(answers, dict):
        raise TypeError(
            f"answers must be a dict (parsed answers.toml); got {type(answers).__name__}"
        )
    results = []
    for q in items:
        pts = q.get("points", 1)
        if q["id"] not in answers:
            results.append(QuestionResult(q["id"], 0, pts, "missing", "no answer given"))
            continue
        given = answers[q["id"]]
        if q["kind"] == "choice":
            accepted = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
            accepted = {str(a).strip().lower() for a in accepted}
            if not isinstance(given, str):
                results.append(
                    QuestionResult(q["id"], 0, pts, "invalid", f"expected a letter, got {given!r}")
                )
            elif given.strip().lower() in accepted:
                results.append(QuestionResult(q["id"], pts, pts, "correct"))
            else:
                results.append(QuestionResult(q["id"], 0, pts, "wrong", f"your answer: {given!r}"))
            continue
        try:
            value = float(given) if not isinstance(given, bool) else math.nan
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value):
            results.append(
                QuestionResult(q["id"], 0, pts, "invalid", f"expected a number, got {given!r}")
            )
            continue
        expected = float(q["answer"])
        atol = float(q.get("tolerance", 0.0))
        rtol = float(q.get("rtol", 1e-3 if "tolerance" not in q else 0.0))
        if abs(value - expected) <= atol + rtol * abs(expected):
            results.append(QuestionResult(q["id"], pts, pts, "correct"))
        else:
            results.append(QuestionResult(q["id"], 0, pts, "wrong", f"your answer: {value:g}"))
    return results
