"""Writes the two files of writers cw15 and cw16 (briefs: ../BRIEF_cw15.md, ../BRIEF_cw16.md) from their replies
(cw15.jsonl, cw16.jsonl), the two labellings (labels_a_*, labels_b_*: each labeller saw the replies shuffled, under
keys, keys_a_* / keys_b_*, and labelled from behaviors.md alone with ../BRIEF_LABEL.md) and the adjudicator's
decisions on the tags they disagreed on (adjudicated_*, keys_j_*; ../BRIEF_ADJUDICATION.md):

    python data/behaviors/pending/cw15_cw16/assemble.py [OUT_DIR]

A reply's tags are the ones both labellers gave, plus the disputed ones the adjudicator said yes to. Written here
unless OUT_DIR is given (data/behaviors/ makes them training data)."""

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[3]))
sys.path.insert(0, str(HERE.parent))

from assemble import write_keyed  # noqa: E402  (data/behaviors/pending/assemble.py)

FILES = {"cw15": "talking_down_or_blunt", "cw16": "polite_brushoffs"}

if __name__ == "__main__":
    write_keyed(HERE, FILES, Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
