"""Rebuild the learned half of the detector from the labelled replies in data/behaviors/ (and any extra files,
such as trainers' exported corrections). `coach data train-detector` and `make detector-model` run it.

The model is a committed artefact (coach/detect/models/<lang>.npz, a few hundred KB) so that a fresh machine
needs no training at set-up; it records a hash of the files it was trained on, and a test fails when the data
changed and the model was not rebuilt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from coach.detect.learned import MODEL_DIR, file_digest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "behaviors"


def training_files(language: str = "en") -> list[Path]:
    """The labelled replies a language's model is trained on: every *.jsonl in data/behaviors (English) or
    data/behaviors/<lang>/ (other languages)."""
    return sorted(data_folder(language).glob("*.jsonl"))


def data_folder(language: str = "en") -> Path:
    return DATA if language == "en" else DATA / language


def model_path(language: str = "en") -> Path:
    return MODEL_DIR / f"{language}.npz"


def is_current(language: str = "en") -> bool:
    """Whether the committed model was trained on exactly the current training files."""
    from coach.detect.learned import LinearTagger

    path = model_path(language)
    if not path.exists():
        return False
    return LinearTagger.load(path).meta.get("data_digest") == file_digest(training_files(language))


def train_and_save(language: str = "en", extra=(), progress=False) -> dict:
    from coach.detect import Detector
    from coach.detect.training import train

    files = training_files(language) + [Path(p) for p in extra]
    if not files:
        raise FileNotFoundError(f"no labelled replies (*.jsonl) in {data_folder(language)}")
    detector = Detector(language=language, model=False)
    bar = tqdm(total=None, desc="coach: training", unit="model", disable=not progress, file=sys.stderr)

    def show(done, total):
        bar.total = total
        bar.update(done - bar.n)

    try:
        tagger, report = train(detector, files, C=detector.lexicon.model_c, progress=show)
    finally:
        bar.close()
    path = model_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    tagger.save(path)
    oof = [v["f1"] for v in report["oof_f1"].values() if v["support"] >= 5]
    return {**report, "files": [str(f) for f in files], "path": str(path),
            "oof_macro_f1": sum(oof) / len(oof) if oof else 0.0}
