"""Malformed YAML files of every kind (award formula, badges, drill prompts, scenarios, standards packs) fail at
load time with a message naming the file, the line of the offending key, the key path, what was wrong and what
would be right: a wrong type, a missing key, an unknown key and a bad value each."""

import re
import shutil

import pytest

ROOT_MSG = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<where>[^ ]+): (?P<msg>.+)$", re.S)


def _raises(error, load, path, where, message, line_has):
    """`load(path)` raises `error` naming path, the line holding `line_has`, key path `where` and `message`."""
    with pytest.raises(error) as err:
        load(path)
    m = ROOT_MSG.match(str(err.value))
    assert m, str(err.value)
    assert m["path"] == str(path) and m["where"] == where and message in m["msg"], str(err.value)
    line = path.read_text(encoding="utf-8").splitlines()[int(m["line"]) - 1]
    assert line_has in line, (line, str(err.value))


def _edit(src, dst, old, new):
    text = src.read_text(encoding="utf-8")
    assert old in text, old
    dst.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dst


# -- the award formula -----------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, where, message, line_has", [
    ("cap: 100\n", "cap: [100]\n", "difficulty.cap", "expected a number from 1 to 100, got [100]", "cap:"),
    ("  prior_weight: 10\n", "", "shrinkage", "missing required key 'prior_weight' (a number from 0 to 1000)",
     "shrinkage:"),
    ("excess_weight: 0.25\n", "excess_weight: 0.25\n  excess: 1\n", "farming.excess",
     "unknown key; farming takes excess_weight, explain, max_share", "excess: 1"),
    ("min_previous_sessions: 3", "min_previous_sessions: 2.5", "improvement.min_previous_sessions",
     "expected a whole number from 1 to 1000, got 2.5", "min_previous_sessions:"),
    ("exclude_channels: [drill]", "exclude_channels: drill", "eligibility.exclude_channels",
     "expected a list of names (any of", "exclude_channels:"),
    ("score:\n", "score: 3\nold_score:\n", "score", "got 3; expected a mapping with its settings", "score: 3"),
])
def test_a_malformed_award_formula(tmp_path, old, new, where, message, line_has):
    from coach import recognition as rc

    path = _edit(rc.DEFAULT_FORMULA, tmp_path / "award_formula.yml", old, new)
    if new.startswith("score: 3"):  # the old block's explain text is now under an unknown key: take it out
        text = path.read_text()
        path.write_text(text[:text.index("old_score:")] + text[text.index("difficulty:"):])
    _raises(rc.FormulaError, rc.load_formula, path, where, message, line_has)


# -- badges ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, where, message, line_has", [
    ("rule: {kind: count, n: 1, outcome: resolved}", "rule: [count, 1]", "badges.0.rule",
     "expected a mapping with kind, n and optional filters", "rule: [count, 1]"),
    ("    title: First resolved call\n", "", "badges.0", "missing required key 'title'", "id: first_resolved"),
    ("  - id: first_resolved\n", "  - id: first_resolved\n    icon: star\n", "badges.0.icon",
     "unknown key; expected id, title, description, rule", "icon: star"),
    ("rule: {kind: count, n: 1, outcome: resolved}", "rule: {kind: count, n: 1, outcome: solved}",
     "badges.0.rule.outcome", "'solved': expected one of resolved", "outcome: solved"),
    ("rule: {kind: distinct_tracks, n: 3}", "rule: {kind: distinct_tracks, n: 3.5}", "badges.4.rule.n",
     "expected a whole number from 1 (the target: N different tracks completed), got 3.5", "n: 3.5"),
])
def test_a_malformed_badges_file(tmp_path, old, new, where, message, line_has):
    from coach import analytics as an

    path = _edit(an.BADGES, tmp_path / "badges.yml", old, new)
    _raises(an.BadgeError, an.load_badges, path, where, message, line_has)


# -- the phrase drill ------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, where, message, line_has", [
    ("    also_good:\n", "    also_good: 3\n    was_also_good:\n", "prompts.0.also_good",
     "expected a list of answers that pass (text), got 3", "also_good: 3"),
    ("    negative: \"We don't deliver on weekends.\"\n", "", "prompts.0", "missing required key 'negative' (text)",
     "id: weekend_delivery"),
    ("      - [deliver, delivers, delivery, deliveries, delivered, delivering]\n", "      - deliver\n",
     "prompts.0.keys", "expected a list of groups, each a list of words or phrases (prompt weekend_delivery)",
     "keys:"),
    ("  - id: evening_delivery\n", "  - id: weekend_delivery\n", "prompts.1.id",
     "'weekend_delivery' is used twice", "id: weekend_delivery"),
])
def test_a_malformed_drill_file(tmp_path, old, new, where, message, line_has):
    from coach.sim.drill import PROMPTS, DrillError, load_prompts

    path = _edit(PROMPTS, tmp_path / "prompts.yml", old, new)
    _raises(DrillError, load_prompts, path, where, message, line_has)


def test_the_drill_file_must_hold_prompts(tmp_path):
    from coach.sim.drill import DrillError, load_prompts

    path = tmp_path / "prompts.yml"
    path.write_text("version: 1\nprompts: {}\n")
    _raises(DrillError, load_prompts, path, "prompts", "expected 'prompts:' with a list of prompts", "prompts:")


# -- scenarios -------------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, where, message, line_has", [
    ("  patience: 8\n", "  patience: eight\n", "persona.patience", "expected a whole number from 2 to 50, got 'eight'",
     "patience: eight"),
    ("brief: >-\n", "brieff: >-\n", "(top)", "missing required key 'brief'", "id: kept_waiting"),
    ("policy:\n", "policy: [refund]\nold_policy:\n", "policy", "expected a mapping, got ['refund']", "policy:"),
    ("situation:", "situation:\n  colour: red\n  was:", "situation.colour",
     "unknown key; expected public, needs_finding", "colour: red"),
    ("    by: [apology, empathy]\n", "    by: [apology, sympathy]\n", "needs.0.by", "expected a list of behaviour tags",
     "by: [apology, sympathy]"),
    ('    shows: ["duplicate|double payment', '    was: ["duplicate|double payment', "needs.2.id",
     "need 'solution' is met by solution but names no content: add `shows:`", "- id: solution"),
    ('    shows: ["duplicate|double payment', '    shows: 5\n    was: ["', "needs.2.shows",
     "expected a list of what shows this need is met", "shows: 5"),
    ("off_topic:", "off_topics:", "(top)", "missing required key 'off_topic'", "id: kept_waiting"),
    ("  - id: next_step\n", "  - id: next_step\n    after: [fix]\n", "needs.3.after",
     "expected a list of the other needs' ids (acknowledged, details, next_step, solution) whose asks come first",
     "after: [fix]"),
    ("  styles: [bad_mood]\n", "  styles: [bad_mood, nobody]\n", "persona.styles.1",
     "no persona 'nobody' in 'en'; expected one of bad_mood, growing", "styles: [bad_mood, nobody]"),
    ("  max_goodwill_credit_gbp: 10\n", "  max_goodwill_credit_gbp: ten pounds\n", "policy.max_goodwill_credit_gbp",
     "a limit is a number, got 'ten pounds'", "max_goodwill_credit_gbp: ten pounds"),
    ("voice: {engine: flite, voice: slt,", "voice: {engine: flite, voice: en-gb,", "persona.voice.voice",
     "'en-gb' is not a Flite voice; choose one of slt, rms, awb, kal16, kal", "voice: {engine: flite"),
    ("voice: {engine: flite, voice: slt,", "voice: {engine: cloud, voice: slt,", "persona.voice.engine",
     "'cloud' is not a voice engine here; choose one of flite, espeak-ng", "voice: {engine: cloud"),
    ("brief: >-\n", "language: klingon\nbrief: >-\n", "language",
     "'klingon' is not a language the detector has; expected one of en, lv, ru", "language: klingon"),
])
def test_a_malformed_scenario(tmp_path, old, new, where, message, line_has):
    from coach.sim import SCENARIOS, ScenarioError, load_scenario

    path = _edit(SCENARIOS / "kept_waiting.yml", tmp_path / "kept_waiting.yml", old, new)
    _raises(ScenarioError, load_scenario, path, where, message, line_has)


def test_a_transcript_situation_still_names_the_suggestion_at_fault():
    from coach.standards.situation import SituationError, parse_situation

    with pytest.raises(SituationError, match=r"^situation\.suggestions\.CO017\.0: '\[name\]' is a placeholder"):
        parse_situation({"suggestions": {"CO017": ["Hello [name]."]}}, "situation")


# -- standards packs -------------------------------------------------------------------------------

@pytest.fixture
def pack_copy(tmp_path):
    from coach.standards import DEFAULT_PACK

    dst = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, dst)
    return dst


@pytest.mark.parametrize("rid, old, new, where, message, line_has", [
    ("CT011", "  max_seconds: 60", "  max_seconds: a minute", "timing.max_seconds",
     "expected a positive number of seconds, got 'a minute'", "max_seconds:"),
    ("CT001", "  behaviors: [greeting]\n", "", "require", "missing required key 'behaviors'", "require:"),
    ("CO010", "applies: {complaint: true}", "applies: {complaint: true, shift: night}", "applies.shift",
     "unknown key; expected channel (list of chat/phone), complaint", "applies:"),
    ("PH011", "  then: [solution, hold_or_transfer, next_steps]", "  then: [solution, fixing]", "conditional.then",
     "unknown behaviour tag or signal(s) fixing", "then:"),
    ("CO008", "steps: [[empathy, apology], [solution], [next_steps]]", "steps: [[empathy], [solve]]",
     "sequence.steps.1", "unknown behaviour tag or signal(s) solve", "steps:"),
    ("PH001", "type: avoid", "type: avert", "type", "'avert' is not one of avoid, substitution", "type: avert"),
    ("TE014", "  recorded: []", "  recorded: [lost]", "outcome.recorded.0",
     "'lost' is not a recorded outcome of a missed session (escalated, hung_up)", "recorded:"),
    ("TE014", "  last_turns: 1", "  last_turns: 9", "outcome.last_turns", "less than or equal to 5", "last_turns:"),
    ("TE015", "  min: 100\n  max: 175\n", "", "voice.max",
     "pace needs min and/or max words a minute (e.g. min: 100, max: 170)", "voice:"),
    ("TE015", "  max: 175\n", "  max: 90\n", "voice.max", "max (90) must be above min (100)", "max: 90"),
    ("TE016", "  measure: dead_air", "  measure: mumbling", "voice.measure",
     "'mumbling' is not one of pace, dead_air, talk_over, loudness", "measure: mumbling"),
    ("CT025", "  customer: [corrects_staff]\n", "", "avoid",
     "window before_customer needs 'customer': the customer signals it comes before", "avoid:"),
])
def test_a_malformed_rule_file(pack_copy, rid, old, new, where, message, line_has):
    from coach.standards import PackError, load_pack

    path = next((pack_copy / "rules").rglob(f"{rid}-*.yml"))
    _edit(path, path, old, new)
    _raises(PackError, lambda p: load_pack(pack_copy), path, where, message, line_has)


@pytest.mark.parametrize("old, new, where, message, line_has", [
    ("  repeat_max: 3\n", "  repeat_max: many\n", "scoring.repeat_max", "expected a number, got 'many'", "repeat_max:"),
    ("  half_life: 60\n", "  half_life: 60\n  half_lives: 2\n", "scoring.half_lives",
     "unknown key; expected severity_factors, repeat_share, repeat_max, half_life, category_weights", "half_lives:"),
    ("language: en\n", "", "(top)", "missing required key 'language' (text)", "id: en-default"),
    ("  repeat_share: 0.5\n", "  repeat_share: 5\n", "scoring.repeat_share", "less than or equal to 2",
     "repeat_share:"),
    ("    - [CO012, PH007]", "    - [CO012, PH077]", "scoring.overlaps", "no standard PH077 in", "overlaps:"),
    ("    - [CO012, PH007]", "    - [CO012, CO002]", "scoring.overlaps",
     "CO002 is in two overlaps (['CO001', 'CO002', 'CO008'] and ['CO012', 'CO002']); join them into one", "overlaps:"),
])
def test_a_malformed_pack_manifest(pack_copy, old, new, where, message, line_has):
    from coach.standards import PackError, load_pack

    path = _edit(pack_copy / "pack.yml", pack_copy / "pack.yml", old, new)
    _raises(PackError, lambda p: load_pack(pack_copy), path, where, message, line_has)


def test_a_malformed_persona(tmp_path, monkeypatch):
    """A persona file with too few lines for a move names its file, line and key."""
    from coach.sim import persona

    src = persona.PERSONAS / "en" / "newcomer.yml"
    calm = persona.read_yaml(src, persona.PersonaError).data["lines"]["mood"]["calm"]
    (tmp_path / "en").mkdir()
    path = tmp_path / "en" / "newcomer.yml"
    path.write_text("\n".join(x for x in src.read_text(encoding="utf-8").split("\n") if calm[0] not in x),
                    encoding="utf-8")
    monkeypatch.setattr(persona, "PERSONAS", tmp_path)
    persona.load_persona.cache_clear()
    try:
        _raises(persona.PersonaError, lambda p: persona.load_persona("en", "newcomer"), path, "lines.mood.calm",
                "5 line(s); at least 6 variants are needed", "calm:")
    finally:
        persona.load_persona.cache_clear()
