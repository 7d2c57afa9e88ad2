"""Every function of the product stays short enough to read at once (no more 250-line if-chains, no more
100-line actions). Migrations are data and are left out."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ["coach", "bot", "trainer_ui", "ops"]
SKIP = ("coach/storage/migrations",)
MAX_LINES = 60


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_function_is_over_60_lines(folder):
    too_long = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        if str(path.relative_to(ROOT)).startswith(SKIP):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_LINES:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines} lines")
    assert not too_long, f"functions over {MAX_LINES} lines (split them into named steps):\n" + "\n".join(too_long)
