"""Grading throughput and the sandbox's overhead per submission.

1. Throughput: ``scidl.course.grade`` on N generated submissions of the least-squares exercise
   (correct, wrong, crashing at import, raising in a call, hanging in a call) with the given
   number of workers and a 2-second call timeout; prints the wall time.
2. Overhead: the same public + hidden tests on the same correct code, one submission at a
   time (one worker), three ways, interleaved over repeats:
   - ``namespaces``: ``scidl.course.grade`` in its default mode (a fresh Python process in new
     namespaces, tmpfs covers, privilege drop, rlimits, calls over a pipe);
   - ``rlimits``: the same with the fallback sandbox (a fresh limited process, no namespaces);
   - ``in-process``: the tests called on the imported module directly, no sandbox.
   The overhead per submission is each sandbox's time minus the in-process time.

    python benchmarks/grader.py --n 200 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "course" / "least-squares"
SOLUTION = (TESTS / "solution.py").read_text()

KINDS = {
    "correct": SOLUTION,
    "wrong": SOLUTION.replace(
        "x[:, None] ** np.arange(degree + 1)", "x[:, None] * np.ones(degree + 1)"
    ),
    "crash_import": "import numpy as np\nraise RuntimeError('broken at import')\n",
    "raises": SOLUTION.replace(
        '"""Predictions Phi @ w."""', '"""P."""\n    raise ValueError("oops")'
    ),
    "hangs": SOLUTION.replace(
        '"""Predictions Phi @ w."""', '"""P."""\n    import time\n    time.sleep(1000)'
    ),
}
MIX = ["correct"] * 10 + ["wrong"] * 4 + ["crash_import"] * 2 + ["raises"] * 2 + ["hangs"] * 2


def make_submissions(folder: Path, n: int) -> dict:
    counts = {}
    for i in range(n):
        kind = MIX[i % len(MIX)]
        (folder / f"s{i:04d}_{kind}.py").write_text(KINDS[kind])
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def overhead(repeats: int, folder: Path):
    from scidl.course import grade
    from scidl.course._harness import load_tests

    cases = load_tests(TESTS / "tests_public.py", public=True) + load_tests(
        TESTS / "tests_hidden.py", public=False
    )
    sub_file = folder / "one" / "ada.py"
    sub_file.parent.mkdir()
    sub_file.write_text(SOLUTION)
    namespace: dict = {}
    exec(compile(SOLUTION, "ada.py", "exec"), namespace)
    module = type(sys)("ada")
    module.__dict__.update(namespace)
    times = {"namespaces": [], "rlimits": [], "in-process": []}
    for r in range(repeats):
        for mode in ("namespaces", "rlimits"):
            t = time.perf_counter()
            book = grade(
                sub_file.parent,
                exercise="least-squares",
                tests=TESTS,
                out=folder / f"o{r}{mode}" / "g.csv",
                n_jobs=1,
                sandbox=mode,
            )
            times[mode].append(time.perf_counter() - t)
            assert book.row("ada")["points"] == book.max_points - 2  # no answers given
        t = time.perf_counter()
        for case in cases:
            case.func(module)
        times["in-process"].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    from scidl.course import grade

    root = Path(tempfile.mkdtemp(prefix="scidl-grader-bench-"))
    try:
        subs = root / "subs"
        subs.mkdir()
        counts = make_submissions(subs, args.n)
        print(f"{args.n} submissions: {counts}; {args.jobs} workers; call timeout {args.timeout} s")
        t = time.perf_counter()
        book = grade(
            subs,
            exercise="least-squares",
            tests=TESTS,
            out=root / "out" / "grades.csv",
            n_jobs=args.jobs,
            timeout=args.timeout,
        )
        wall = time.perf_counter() - t
        assert len(book.rows) == args.n
        full = book.max_points - 2  # the generated submissions answer no questions
        ok = sum(r["points"] == full for r in book.rows if "_correct" in r["student"])
        zero = sum(r["points"] == 0 for r in book.rows if "crash_import" in r["student"])
        print(f"sandbox mode: {book.sandbox}")
        print(f"wall time: {wall:.1f} s for {args.n} submissions ({wall / args.n:.3f} s each)")
        print(
            f"correct with full points: {ok}/{counts['correct']}; crash at import with 0: "
            f"{zero}/{counts['crash_import']}"
        )
        per_kind = {}
        for r in book.rows:
            per_kind.setdefault(r["student"].split("_", 1)[1], []).append(r["seconds"])
        for kind, secs in sorted(per_kind.items()):
            print(f"  {kind:<13} median {statistics.median(secs):.3f} s per submission")
        med = overhead(args.repeats, root)
        print(
            "one correct submission, public + hidden tests (median of "
            f"{args.repeats} interleaved repeats):"
        )
        for k, v in med.items():
            print(f"  {k:<11} {v:.3f} s")
        print(
            f"sandbox overhead per submission: {med['namespaces'] - med['in-process']:.3f} s "
            f"(namespaces) and {med['rlimits'] - med['in-process']:.3f} s (rlimits fallback) "
            "over running the tests in-process; the namespaces and privilege drop add "
            f"{med['namespaces'] - med['rlimits']:.3f} s to a limited subprocess "
            f"(ratio {med['namespaces'] / med['rlimits']:.2f})"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
