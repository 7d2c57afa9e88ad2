"""coach.detect.evaluate.paired_bootstrap: how sure a change of macro-F1 on one set is (bench/compare_detectors.py)."""

import random

import pytest

from coach.detect.evaluate import evaluate, macro_f1, paired_bootstrap


class _Fixed:
    """A detector whose findings are given: evaluate() reads them in order."""

    def __init__(self, found):
        self.found = found

    def detect_many(self, items):
        for tags in self.found:
            yield type("D", (), {"behaviors": sorted(tags)})()


def _sets(n=300, seed=1):
    rnd = random.Random(seed)
    tags = ("apology", "solution", "next_steps", "rude")
    gold = [{t for t in tags if rnd.random() < 0.3} for _ in range(n)]
    return rnd, tags, gold


def test_the_point_figures_are_evaluates_macro_f1():
    rnd, tags, gold = _sets()
    a = [{t for t in g if rnd.random() < 0.8} | ({"rude"} if rnd.random() < 0.1 else set()) for g in gold]
    b = [{t for t in g if rnd.random() < 0.6} for g in gold]
    rows = [{"text": "x", "tags": sorted(g)} for g in gold]
    fa, fb, _, _ = paired_bootstrap(gold, a, b, rounds=50)
    assert fa == pytest.approx(macro_f1(evaluate(_Fixed(a), rows)[0], 5))
    assert fb == pytest.approx(macro_f1(evaluate(_Fixed(b), rows)[0], 5))


def test_the_same_findings_differ_by_nothing():
    rnd, tags, gold = _sets()
    a = [{t for t in g if rnd.random() < 0.7} for g in gold]
    fa, fb, lo, hi = paired_bootstrap(gold, a, [set(x) for x in a], rounds=200)
    assert fa == fb and lo == hi == 0.0


def test_a_clearly_better_detector_is_told_apart_and_a_small_change_is_not():
    rnd, tags, gold = _sets(n=600)
    weak = [{t for t in g if rnd.random() < 0.5} for g in gold]
    strong = [set(g) for g in gold]
    _, _, lo, hi = paired_bootstrap(gold, weak, strong, rounds=300)
    assert 0 < lo <= hi
    one_more = [set(x) for x in weak]
    wrong = next(i for i, (w, g) in enumerate(zip(weak, gold, strict=True)) if w != g)
    one_more[wrong] = set(gold[wrong])  # one reply put right
    before, after, _, _ = paired_bootstrap(gold, weak, one_more, rounds=1)
    assert after > before
    _, _, lo, hi = paired_bootstrap(gold, weak, one_more, rounds=300)
    assert lo <= 0 <= hi


def test_the_same_seed_gives_the_same_interval_and_bad_input_is_refused():
    rnd, tags, gold = _sets()
    a = [{t for t in g if rnd.random() < 0.7} for g in gold]
    b = [{t for t in g if rnd.random() < 0.6} for g in gold]
    assert paired_bootstrap(gold, a, b, rounds=100, seed=3) == paired_bootstrap(gold, a, b, rounds=100, seed=3)
    with pytest.raises(ValueError, match="one entry per reply"):
        paired_bootstrap(gold, a, b[:-1])
    with pytest.raises(ValueError, match="at least one reply"):
        paired_bootstrap([], [], [])
