"""Every function in coach/detect stays short enough to read at once (no more 250-line if-chains)."""

import ast
from pathlib import Path

DETECT = Path(__file__).resolve().parents[2] / "coach" / "detect"
MAX_LINES = 60


def test_no_function_in_coach_detect_is_over_60_lines():
    too_long = []
    for path in sorted(DETECT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_LINES:
                    too_long.append(f"{path.relative_to(DETECT)}:{node.lineno} {node.name}: {lines} lines")
    assert not too_long, f"functions over {MAX_LINES} lines (split them into named steps):\n" + "\n".join(too_long)
