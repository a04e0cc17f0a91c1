"""Run cases of the bad-input corpus through the real command line, many in one fresh interpreter.

``python -m tests.ui.bad_inputs.runner CASES.json [FIRST LAST]`` runs cases FIRST..LAST-1 one after
the other, each exactly as ``python -m ui.cli ARGV`` would (``ui.cli.app(argv)``, the same entry
point, ``sys.exit`` caught), with stdout and stderr captured per case, and prints one JSON line per
case: name, exit code, stderr. An exception escaping the command is recorded as its traceback,
as the real process would print it.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback


def run_case(argv: list[str]) -> tuple[int, str, str]:
    from ui.cli import app

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            app(argv, prog_name="microgrid")
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:  # noqa: BLE001 - what the real process would print
            err.write(traceback.format_exc())
            code = 1
    return code, out.getvalue(), err.getvalue()


def main(arguments: list[str]) -> None:
    cases = json.loads(open(arguments[0], encoding="utf-8").read())
    first, last = (int(arguments[1]), int(arguments[2])) if len(arguments) > 2 else (0, len(cases))
    real_stdout = sys.stdout
    for case in cases[first:last]:
        code, _out, err = run_case(case["argv"])
        real_stdout.write(json.dumps({"name": case["name"], "code": code, "stderr": err}) + "\n")
        real_stdout.flush()


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
