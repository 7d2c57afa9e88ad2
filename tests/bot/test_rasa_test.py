"""`rasa test core` on tests/test_stories.yml: conversations with real trainee text, against the trained model."""

import json
import subprocess
import sys

import pytest

from ops.servers import ROOT, _env, train

pytestmark = pytest.mark.servers  # runs Rasa's own command line on the trained model


def test_rasa_conversation_tests_pass(tmp_path):
    model = train(quiet=True)
    out = tmp_path / "results"
    # `rasa test core`, with the model loaded as the Rasa server loads it (bot/quick_load.py)
    args = ["rasa", "test", "core", "--model", str(model), "--stories", "tests/test_stories.yml", "--out", str(out),
            "--no-plot"]
    run = ("import sys; from bot.quick_load import install; install(); from rasa.__main__ import main; "
           f"sys.argv = {args!r}; main()")
    proc = subprocess.run([sys.executable, "-c", run],
                          cwd=ROOT, env=_env({"COACH_ACTION_URL": "http://127.0.0.1:9/webhook",
                                              "COACH_TRACKER_DIALECT": "sqlite",
                                              "COACH_TRACKER_URL": f"sqlite:///{tmp_path / 'tracker.db'}"}),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    failed = (out / "failed_test_stories.yml").read_text() if (out / "failed_test_stories.yml").exists() else ""
    assert "story:" not in failed, failed
    report = json.loads((out / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0, report["conversation_accuracy"]
    stories = (ROOT / "tests" / "test_stories.yml").read_text().count("- story:")
    assert stories >= 5 and report["conversation_accuracy"]["total"] == stories, "every story was tested"
