"""Run the command line as users do: a subprocess, exit code and both streams."""

import subprocess
import sys

from tests.conftest import ROOT


def run(*args, timeout: float = 120, stdin: str | None = None) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "spbe", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )
    return proc.returncode, proc.stdout, proc.stderr
