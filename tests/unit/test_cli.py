"""The `coach` command as a user runs it: bad input explained, no tracebacks.

Most cases run the command in this process (`run_coach`); the first two start a real `python -m coach.cli`,
so that the whole-process path (start-up, exit code, the bytes on stdout) is covered too."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "transcripts"


def coach(*args, stdin=b""):
    proc = subprocess.run([sys.executable, "-m", "coach.cli", *args], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=120)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    return proc


def test_tag_reads_stdin_and_writes_json_lines():
    """A real process."""
    lines = [{"id": "a", "text": "Hi there! How can I help you today?"},
             {"id": "b", "text": "You should have read the terms.", "customer": "Why was I charged?"}]
    proc = coach("tag", stdin="\n".join(json.dumps(row) for row in lines).encode())
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert {"greeting", "offer_help"} <= set(out[0]["behaviors"])
    assert "blame" in out[1]["behaviors"] and not {"solution", "empathy", "apology"} & set(out[1]["behaviors"])
    for o in out:
        assert {s["behavior"] for s in o["spans"]} == set(o["behaviors"])


def test_tag_reads_a_file(tmp_path, run_coach):
    f = tmp_path / "replies.jsonl"
    f.write_text(json.dumps({"id": 1, "text": "I'm sorry about the delay."}) + "\n", encoding="utf-8")
    proc = run_coach("tag", str(f))
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["behaviors"] == ["apology"]


@pytest.mark.parametrize("data,expect", [
    (b"", "no input"),
    (b"\x00\x01\x02binary", "binary"),
    (b'{"id": 1, "text": "caf\xe9"}\n', "not valid UTF-8"),
    (b"not json\n", "not valid JSON"),
    (b'{"id": 1}\n', "'text'"),
    (json.dumps({"id": 1, "text": "x" * 1_000_000}).encode(), "at most"),
], ids=["empty", "binary", "latin-1", "not-json", "no-text", "one-megabyte"])
def test_tag_bad_input_is_explained(data, expect, run_coach):
    proc = run_coach("tag", stdin=data)
    assert proc.returncode != 0
    assert expect in proc.stderr.decode()


def test_tag_keeps_good_lines_when_some_are_bad(run_coach):
    proc = run_coach("tag", stdin=b'not json\n{"id": 2, "text": "Thanks for calling!"}\n')
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["id"] == 2


def test_score_prints_one_scorecard_per_file_in_order():
    """A real process."""
    files = [EXAMPLES / "late_delivery_good.json", EXAMPLES / "late_delivery_poor.json"]
    proc = coach("score", *map(str, files))
    assert proc.returncode == 0, proc.stderr
    cards = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [c["source"] for c in cards] == [str(f) for f in files]
    assert cards[0]["overall"] > cards[1]["overall"]
    assert all(c["standards"]["version"] for c in cards)


def test_score_reads_stdin_and_text_format_marks_phrases(run_coach):
    tr = {"channel": "chat", "turns": [{"speaker": "customer", "text": "Where is my parcel? It's late."},
                                       {"speaker": "staff", "text": "Calm down, you're overreacting."}]}
    proc = run_coach("score", "--format", "text", stdin=json.dumps(tr).encode())
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert ">>Calm down<<" in out and "How the score was computed" in out


@pytest.mark.parametrize("data,expect", [
    (b"", "empty"),
    (b"{not json", "not valid JSON"),
    (b'{"turns": [{"speaker": "alien", "text": "hi"}]}', "unknown speaker"),
    (b'{"channel": "chat"}', "missing 'turns'"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
], ids=["empty", "not-json", "unknown-speaker", "no-turns", "png"])
def test_score_bad_input_is_explained(data, expect, run_coach):
    proc = run_coach("score", stdin=data)
    assert proc.returncode == 1
    assert expect in proc.stderr.decode()


def test_score_missing_file_and_broken_pack(tmp_path, run_coach):
    proc = run_coach("score", str(tmp_path / "nope.json"))
    assert proc.returncode == 1 and "no such file" in proc.stderr.decode()
    (tmp_path / "pack.yml").write_text("id: x\nname: y\nlanguage: en\n")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.yml").write_text("id: PH001\ntype: shout\n")
    proc = run_coach("score", "--pack", str(tmp_path), str(EXAMPLES / "late_delivery_good.json"))
    assert proc.returncode == 2
    assert "bad.yml:2" in proc.stderr.decode() and "'shout' is not one of" in proc.stderr.decode()


def test_demo_runs(run_coach):
    proc = run_coach("demo")
    assert proc.returncode == 0
    assert proc.stdout.decode().count("Overall") == len(list(EXAMPLES.glob("*.json")))


@pytest.mark.parametrize("module", ["coach.detect.signals", "coach.standards.engine", "coach.detect.training"])
def test_core_modules_import_on_their_own(module):
    """Each core module imports first in a fresh process (the signals module once only imported after
    coach.standards, which imports it)."""
    proc = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-500:]


def test_score_uses_the_pack_of_the_transcripts_language(run_coach):
    """Without --pack: the pack in the language the transcript states, else the one its staff write in."""
    ru = {"channel": "chat", "turns": [
        {"speaker": "customer", "text": "Здравствуйте, заказ опаздывает уже на неделю!"},
        {"speaker": "staff", "text": "Здравствуйте! Приносим извинения за задержку. Курьер привезёт заказ завтра."}]}
    proc = run_coach("score", stdin=json.dumps(ru, ensure_ascii=False).encode())
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    assert card["standards"]["pack"] == "ru-default" and not card["warnings"]
    stated = run_coach("score", stdin=json.dumps({**ru, "language": "en"}, ensure_ascii=False).encode())
    card = json.loads(stated.stdout)
    assert card["standards"]["pack"] == "en-default" and "does not look like English" in " ".join(card["warnings"])
    unknown = run_coach("score", stdin=json.dumps({**ru, "language": "xx"}).encode())
    assert unknown.returncode == 1
    assert "language 'xx' has no standards pack; packs: en, lv, ru, sv, uk" in unknown.stderr.decode()


def test_training_with_a_bad_extra_file_is_explained_and_writes_no_model(tmp_path, run_coach):
    bad = tmp_path / "corrections.jsonl"
    bad.write_text('{"text": "Sorry about that.", "tags": ["apologising"]}\n', encoding="utf-8")
    model = ROOT / "coach" / "detect" / "models" / "lv.npz"
    before = model.read_bytes()
    proc = run_coach("data", "train-detector", "--lang", "lv", "--extra", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:1: unknown tag(s) apologising" in proc.stderr.decode()
    assert model.read_bytes() == before
