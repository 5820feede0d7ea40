"""Run the command line as users do: a subprocess, exit code and both streams."""

import subprocess
import sys

from tests.conftest import ROOT


def run(
    *args, timeout: float = 180, stdin: str | None = None, env: dict | None = None
) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "spbe", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
        env=env,
    )
    return proc.returncode, proc.stdout, proc.stderr
