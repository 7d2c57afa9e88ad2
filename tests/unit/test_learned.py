"""The learned half of the detector: the committed model matches its data, scores are computed at run time
exactly as in training, and every tag it adds points at words of the reply."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from coach.detect import Detector
from coach.detect.build import is_current, model_path, training_files
from coach.detect.learned import LinearTagger, file_digest, reply_blocks

ROOT = Path(__file__).resolve().parents[2]
REPLIES = [
    "Hi Sam, so sorry about the wait! I've refunded the duplicate charge; you'll see it within 3 working days.",
    "ok",
    "Look, the courier lost it, not us. Take it up with them.",
    "Please hold while I check with our returns team. Thanks for your patience.",
    "Your SO is pending ASN in WMS.",
    "I promise it'll be there tomorrow, 100%.",
    "Could you DM us your order number? We'll look into it straight away.",
    "We can't change the fare once booked, but you can add flexibility for £15. Does that help?",
]


@pytest.fixture(scope="module")
def model():
    return LinearTagger.load(model_path())


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_committed_model_was_trained_on_the_current_data(language):
    model = LinearTagger.load(model_path(language))
    assert is_current(language), (
        f"the training replies of {language!r} changed since coach/detect/models/{language}.npz was trained; "
        f"run `.venv/bin/coach data train-detector --lang {language}` (make detector-model) and commit the model")
    assert model.meta["data_digest"] == file_digest(training_files(language)) and training_files(language)
    assert set(model.meta["policies"]) == set(model.tags)


def test_run_time_scores_equal_the_training_features_times_the_weights(detector, model):
    """The cached per-word path (learned.py) and the plain (feature, value) list training uses agree."""
    for text in REPLIES:
        blocks = detector.model_blocks(text, "Where is my order? It's late.")
        by_training = model.bias.astype(np.float64).copy()
        for name, value in blocks.weighted():
            i = model.vocab.get(name)
            if i is not None:
                by_training += value * model.weights[i]
        assert np.allclose(model.logits(blocks), by_training, atol=1e-4), text


def test_blocks_are_scaled_to_unit_length():
    blocks = reply_blocks(["we", "can", "help", "we"], ["We", "can", "help", "we"], {0}, ["offer_help"], [], "")
    words = [v for n, v in blocks.weighted() if n[:2] in ("w:", "b:")]
    assert math.isclose(sum(v * v for v in words), 1.0, rel_tol=1e-6)
    assert "r:offer_help" in blocks.context and "k!none" in blocks.context


def test_every_tag_the_model_adds_points_at_words_of_the_reply(detector):
    rules = Detector(model=False)
    added = 0
    for path in sorted((ROOT / "data" / "noise").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines()[:150]:
            row = json.loads(line)
            text = row["text"]
            det = detector.detect(text, row.get("customer"))
            ruled = set(rules.detect(text, row.get("customer")).behaviors)
            for tag in det.behaviors:
                spans = det.spans_of(tag)
                assert spans, (tag, text)
                for e in spans:
                    assert text[e.start:e.end] == e.text and e.text.strip()
                added += tag not in ruled
    assert added > 0, "the model added no tag at all to 150 model replies: is it loaded?"


def test_a_saved_model_loads_back_to_the_same_scores(tmp_path, model):
    small = LinearTagger(model.tags, {"w:hello": 0, "r:greeting": 1},
                         np.array([[0.5] * len(model.tags), [-0.25] * len(model.tags)], np.float32),
                         np.zeros(len(model.tags), np.float32), np.full(len(model.tags), 0.5, np.float32),
                         {"tags": list(model.tags), "policies": {}})
    path = tmp_path / "m.npz"
    small.save(path)
    back = LinearTagger.load(path)
    blocks = reply_blocks(["hello"], ["Hello"], {0}, ["greeting"], [], "")
    assert np.allclose(back.logits(blocks), small.logits(blocks), atol=0.01)


def test_the_customer_s_message_reaches_the_model_only_through_what_the_rules_recognise(detector, model):
    """Two complaints in different words give the same reply the same probabilities: the customer's own words
    are not features (with them the model had learnt the training writers' customers), the complaint flag is."""
    reply = "It will be. You'll get the tracking email within two hours."
    one = detector.model_blocks(reply, "No, the kit and the voucher is fine. As long as it's here tomorrow, and "
                                       "I'm not happy about the wait.")
    two = detector.model_blocks(reply, "I'm not happy about the wait at all.")
    assert not any(name.startswith("k:") for name, _ in one.weighted())
    assert one.context == two.context
    assert np.allclose(model.probabilities(one), model.probabilities(two))
    assert "dismissive" not in detector.detect(reply, "As long as it's here tomorrow.").behaviors


@pytest.mark.parametrize("text, customer, rude", [
    # the rules find no help in it, the model finds the answer: a pet name there is everyday talk
    ("Aye, the paint's in aisle six, mate, just past the brushes on the left.", "Where's your paint?", False),
    # curt, or beside blame: the same words stay rude
    ("Whatever, mate.", "This is the third time I've asked.", True),
    ("Well it's your own fault for not reading the bloody instructions, mate.", "It broke on day one.", True),
])
def test_a_mild_word_is_judged_with_what_the_model_found(detector, text, customer, rude):
    rules = Detector(model=False).detect(text, customer).behaviors
    got = detector.detect(text, customer).behaviors
    assert ("rude" in got) == rude, (text, got)
    if not rude:
        assert "rude" in rules and "solution" in got, (rules, got)  # the rules alone flag it; the model found the help


def test_each_training_file_stays_in_one_fold_and_the_folds_are_about_equal():
    from coach.detect.training import assign_folds

    sizes = {"a.jsonl": 500, "b.jsonl": 300, "c.jsonl": 250, "d.jsonl": 200, "e.jsonl": 200, "f.jsonl": 40}
    folds = assign_folds(sizes, folds=3)
    assert set(folds) == set(sizes) and set(folds.values()) == {0, 1, 2}
    rows = [sum(n for f, n in sizes.items() if folds[f] == k) for k in range(3)]
    assert max(rows) - min(rows) <= 60, rows
    assert assign_folds(dict(reversed(sizes.items())), folds=3) == folds  # the same on every machine
    assert sorted(assign_folds({"x": 10, "y": 5}).values()) == [0, 1]  # fewer files than folds: one each


def test_training_in_parallel_gives_the_same_model_as_in_one_process(tmp_path, monkeypatch):
    """The folds and the final fits run in forked processes; the model must not depend on how many."""
    from coach.detect.training import train

    paths = []
    for src in training_files("en")[:4]:
        lines = src.read_text(encoding="utf-8").splitlines()[:40]
        paths.append(tmp_path / src.name)
        paths[-1].write_text("\n".join(lines) + "\n", encoding="utf-8")
    detector = Detector(model=False)
    models = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("COACH_TRAIN_WORKERS", workers)
        ticks = []
        models[workers], report = train(detector, paths, progress=lambda *step, seen=ticks: seen.append(step))
        assert ticks[-1][0] == ticks[-1][1] == len(ticks)  # the progress reaches its total, one step at a time
        assert report["rows"] == 160
    one, two = models["1"], models["2"]
    assert one.vocab == two.vocab and one.meta == two.meta and one.meta["folds"] == 4
    assert np.array_equal(one.weights, two.weights) and np.array_equal(one.bias, two.bias)
    assert np.array_equal(one.thresholds, two.thresholds) and np.abs(one.weights).sum() > 0


@pytest.mark.parametrize("value", ["two", "0", "-1"])
def test_a_wrong_number_of_training_workers_is_refused_with_what_is_expected(monkeypatch, value):
    from coach.detect.training import _worker_count

    monkeypatch.setenv("COACH_TRAIN_WORKERS", value)
    with pytest.raises(ValueError, match="COACH_TRAIN_WORKERS.*whole number of processes, 1 or more"):
        _worker_count()
