"""The project keeps its promises: README commands, CI script, lint."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start() -> list[str]:
    """The shell commands of the README's quick start section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```(?:sh|bash)\n(.*?)```", section, re.S)]


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    commands = quick_start()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    run_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in run_script.splitlines()
    assert "index rebuild" in commands[0] and "muragat-web" in commands[0]


def test_code_is_ruff_clean() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    result = subprocess.run([ruff, "check", "indexer", "web", "tests", "bench", "archive"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
