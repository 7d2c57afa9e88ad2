"""Train the learned half of the detector (learned.py) from labelled replies. Run by `coach data train-detector`.

Steps: the rules tag every training reply (their tags and cues become features); the vocabulary keeps
features seen in at least `min_df` replies; one L2-regularised logistic regression per tag (scikit-learn's
liblinear, deterministic); out-of-fold probabilities from k-fold cross-validation on the training data choose
each tag's threshold for the combined decision the detector makes (the rules' tag, or the model's above the
threshold unless the rules vetoed it), the one that maximises F1 there, never on a measurement set; the final
model is fit on all the data and written, quantised, to coach/detect/models/<lang>.npz with the hashes of its
inputs.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from coach.behaviors import TAGS
from coach.detect.learned import LinearTagger, file_digest


def load_rows(paths):
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
                if not isinstance(row.get("text"), str) or not isinstance(row.get("tags"), list):
                    raise ValueError(f"{path}:{n}: a training reply needs 'text' (a string) and 'tags' (a list)")
                unknown = set(row["tags"]) - set(TAGS)
                if unknown:
                    raise ValueError(f"{path}:{n}: unknown tag(s) {', '.join(sorted(unknown))}")
                rows.append(row)
    return rows


def featurise(detector, rows):
    """The model's features of each row, computed exactly as at run time, and per row the tags the rules
    found and the tags the rules vetoed (a cue of the tag matched and its resolver rejected it)."""
    feats, found, vetoed = [], [], []
    for r in rows:
        blocks = detector.model_blocks(r["text"], r.get("customer") or "")
        feats.append(blocks.weighted())
        rules = {c[2:] for c in blocks.context if c.startswith("r:")}
        cues = {c[2:] for c in blocks.context if c.startswith("q:")}
        found.append(rules)
        lower = [w[2:] for w in blocks.words if w.startswith("w:")]
        vetoed.append({t for t in TAGS if t not in rules and detector.vetoed(t, cues, lower)})
    return feats, found, vetoed


def _matrix(feats, vocab):
    from scipy.sparse import csr_matrix

    data, ind, ptr = [], [], [0]
    for fl in feats:
        for name, value in fl:
            i = vocab.get(name)
            if i is not None:
                ind.append(i)
                data.append(value)
        ptr.append(len(ind))
    return csr_matrix((np.asarray(data, np.float32), np.asarray(ind, np.int32), np.asarray(ptr, np.int64)),
                      shape=(len(feats), len(vocab)))


def _vocab(feats, min_df):
    df = Counter()
    for fl in feats:
        df.update({name for name, _ in fl})
    keep = sorted(n for n, c in df.items() if c >= min_df or n[:2] in ("r:", "q:", "k!"))
    return {n: i for i, n in enumerate(keep)}


def _fit(X, y, C):
    from sklearn.linear_model import LogisticRegression

    if y.sum() == 0:
        return np.zeros(X.shape[1], np.float32), -8.0
    if y.sum() == len(y):
        return np.zeros(X.shape[1], np.float32), 8.0
    m = LogisticRegression(C=C, solver="liblinear", max_iter=1000)
    m.fit(X, y)
    return m.coef_[0].astype(np.float32), float(m.intercept_[0])


def _best_threshold(y, p, rules, vetoed):
    """The probability cut that maximises F1 on out-of-fold predictions of the combined decision (the rules'
    tag, or the model above the cut where the rules did not veto it); 0.5 when a tag is too rare."""
    if y.sum() < 3:
        return 0.5
    best, best_f = 0.5, -1.0
    for th in np.arange(0.15, 0.86, 0.025):
        pred = rules | ((p >= th) & ~vetoed)
        tp = float((pred & (y == 1)).sum())
        fp = float((pred & (y == 0)).sum())
        fn = float((~pred & (y == 1)).sum())
        f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f > best_f + 1e-9:
            best, best_f = float(th), f
    return best


def train(detector, paths, C=4.0, min_df=2, folds=5, seed=13, progress=None):
    """Fit the per-tag models on the rows of `paths`; returns a LinearTagger and a report dict."""
    rows = load_rows(paths)
    feats, found, vetoed = featurise(detector, rows)
    Y = np.array([[1 if t in r["tags"] else 0 for t in TAGS] for r in rows], dtype=np.int8)
    R = np.array([[t in f for t in TAGS] for f in found], dtype=bool)
    V = np.array([[t in v for t in TAGS] for v in vetoed], dtype=bool)
    rng = np.random.RandomState(seed)
    fold_of = rng.randint(0, folds, size=len(rows))
    oof = np.zeros(Y.shape, np.float32)
    steps = folds * len(TAGS) + len(TAGS)
    done = 0
    for k in range(folds):
        tr, te = fold_of != k, fold_of == k
        vocab = _vocab([f for f, m in zip(feats, tr) if m], min_df)
        Xtr = _matrix([f for f, m in zip(feats, tr) if m], vocab)
        Xte = _matrix([f for f, m in zip(feats, te) if m], vocab)
        for j in range(len(TAGS)):
            w, b = _fit(Xtr, Y[tr, j], C)
            oof[te, j] = 1.0 / (1.0 + np.exp(-(Xte @ w + b)))
            done += 1
            if progress:
                progress(done, steps)
    thresholds = np.array([_best_threshold(Y[:, j], oof[:, j], R[:, j], V[:, j]) for j in range(len(TAGS))],
                          np.float32)
    vocab = _vocab(feats, min_df)
    X = _matrix(feats, vocab)
    W = np.zeros((len(vocab), len(TAGS)), np.float32)
    bias = np.zeros(len(TAGS), np.float32)
    for j in range(len(TAGS)):
        W[:, j], bias[j] = _fit(X, Y[:, j], C)
        done += 1
        if progress:
            progress(done, steps)
    # features whose every weight is tiny change no decision: drop them to keep the artefact small
    keep = np.abs(W).max(axis=1) >= 0.01
    names = [n for n, i in sorted(vocab.items(), key=lambda kv: kv[1]) if keep[i]]
    W = W[keep]
    meta = {
        "tags": list(TAGS),
        "trained_on": sorted(str(Path(p).name) for p in paths),
        "data_digest": file_digest(paths),
        "rows": len(rows),
        "C": C,
        "min_df": min_df,
        "folds": folds,
        "features": len(names),
    }
    tagger = LinearTagger(tuple(TAGS), {n: i for i, n in enumerate(names)}, W, bias, thresholds, meta)
    report = {"rows": len(rows), "features": len(names), "oof_f1": {}}
    for j, t in enumerate(TAGS):
        y, pred = Y[:, j], R[:, j] | ((oof[:, j] >= thresholds[j]) & ~V[:, j])
        tp = int((pred & (y == 1)).sum())
        fp = int((pred & (y == 0)).sum())
        fn = int((~pred & (y == 1)).sum())
        report["oof_f1"][t] = {"f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp else 0.0, "support": int(y.sum()),
                               "threshold": round(float(thresholds[j]), 3)}
    return tagger, report
