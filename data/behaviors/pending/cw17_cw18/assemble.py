"""Writes the two files of writers cw17 and cw18 (briefs: ../BRIEF_cw17.md, ../BRIEF_cw18.md) as
../cw15_cw16/assemble.py does for its writers: python data/behaviors/pending/cw17_cw18/assemble.py [OUT_DIR]"""

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from assemble import write_keyed  # noqa: E402  (data/behaviors/pending/assemble.py)

FILES = {"cw17": "holds_and_lookalikes", "cw18": "endings_openings_and_terms"}

if __name__ == "__main__":
    write_keyed(HERE, FILES, Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
