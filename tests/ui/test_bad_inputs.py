"""Every case of the bad-input corpus (:mod:`tests.ui.bad_inputs.make_cases`) through the real command line.

The cases run in two fresh interpreters in parallel (:mod:`tests.ui.bad_inputs.runner`: the same
entry point as ``python -m ui.cli``, one case after the other, stderr captured per case). Each
case: its exit code, exactly one non-empty line on stderr starting with ``error:`` and holding the
case's fragment, no traceback, and none of its output paths written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.ui.bad_inputs.make_cases import REPO, write_cases

BATCHES = 2


def _run(cases_file: Path, first: int, last: int) -> list[dict]:
    env = {**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "tests.ui.bad_inputs.runner", str(cases_file), str(first),
                           str(last)], cwd=cases_file.parent, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    cases_file = write_cases(tmp_path_factory.mktemp("bad-inputs"))
    cases = json.loads(cases_file.read_text())
    size = -(-len(cases) // BATCHES)
    with ThreadPoolExecutor(BATCHES) as pool:
        runs = list(pool.map(lambda start: _run(cases_file, start, start + size), range(0, len(cases), size)))
    results = {result["name"]: result for run in runs for result in run}
    return cases, results


def test_the_corpus_holds_every_class_of_bad_input(corpus):
    cases, results = corpus
    assert len(cases) >= 61 and len(results) == len(cases)
    prefixes = {case["name"].split("_")[0] for case in cases}
    assert {"weather", "db", "date", "batch", "park", "out", "report", "redispatch", "cli"} <= prefixes


def test_every_bad_input_is_one_line_with_its_exit_code_and_nothing_written(corpus):
    cases, results = corpus
    failures = []
    for case in cases:
        result = results[case["name"]]
        lines = [line for line in result["stderr"].splitlines() if line.strip()]
        written = [path for path in case["absent"] if Path(path).exists()]
        if (result["code"] != case["code"] or len(lines) != 1 or not lines[0].startswith("error:")
                or "Traceback" in result["stderr"] or case["fragment"] not in lines[0] or written):
            failures.append((case["name"], result["code"], case["code"], written, result["stderr"][-400:]))
    assert not failures, "\n".join(map(str, failures))
