"""Build data/eval/dev/pairs7.jsonl from this folder (data/eval/dev/assemble_pairs.py says how)."""
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
from assemble_pairs import assemble  # noqa: E402

assemble(HERE, writers=("p9.jsonl", "p10.jsonl"),
         judges=("judge_I.jsonl", "judge_J.jsonl"), out=HERE.parent / "pairs7.jsonl")
