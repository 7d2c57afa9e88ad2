"""Build data/eval/dev/pairs8.jsonl from this folder (data/eval/dev/assemble_pairs.py says how)."""
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
from assemble_pairs import assemble  # noqa: E402

assemble(HERE, writers=("p11.jsonl", "p12.jsonl"),
         judges=("judge_K.jsonl", "judge_L.jsonl"), out=HERE.parent / "pairs8.jsonl")
