"""The project keeps its promises: README commands, CI script, lint."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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


def test_code_type_checks() -> None:
    """mypy over the product's packages (settings in pyproject.toml)."""
    mypy = shutil.which("mypy") or str(Path(sys.executable).with_name("mypy"))
    result = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_modules_stay_small() -> None:
    """No module of indexer/ over 400 lines, and no class over 150, unless its docstring says
    why (the layout rule of the README)."""
    import ast

    too_long = []
    for path in sorted((ROOT / "indexer").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > 400:
            too_long.append(f"{path.relative_to(ROOT)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > 150:
                doc = ast.get_docstring(node) or ""
                if "150-line" not in doc:
                    too_long.append(f"{path.relative_to(ROOT)}: class {node.name}")
    assert not too_long, too_long
