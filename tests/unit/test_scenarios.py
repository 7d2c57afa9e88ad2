"""Every scenario in bot/scenarios: it loads, a well-served conversation resolves with the mood rising,
a poorly served one escalates or hangs up (offline: the real detector and simulator, no servers)."""

import pytest

from coach.behaviors import POOR_PRACTICE
from coach.sim import load_scenarios
from coach.sim.play import load_script, play

SCENARIOS = load_scenarios()
REQUIRED = ["late_delivery_b2b", "wrong_item_cheated", "kept_waiting", "threatening_shouter", "small_customer_delay",
            "discount_haggler", "spec_expert", "price_shocked", "bad_news_customer", "social_media_complaint",
            "need_to_think", "out_of_stock", "phone_answer_hold_transfer", "phone_wrong_department"]
# the Russian scenarios, from the situations of the Russian and Ukrainian sources (SOURCES.md)
RUSSIAN = ["ru_late_order_small_customer", "ru_social_media_complaint", "ru_spec_expert", "ru_price_shocked",
           "ru_rude_staff_complaint", "ru_phone_out_of_stock"]
# a neutral reply that meets nothing, in each language, for a trainee who keeps the customer talking
NEUTRAL = {"en": "Let me have a look at point {k} for you.", "ru": "Сейчас посмотрю пункт {k}."}


def test_the_fourteen_scenarios_cover_three_tracks_and_difficulties():
    assert set(REQUIRED) <= set(SCENARIOS)
    assert {s.language for s in SCENARIOS.values() if s.id in REQUIRED} == {"en"}
    assert {s.track for s in SCENARIOS.values()} == {"phrasing", "telephone", "complaint"}
    assert {s.difficulty for s in SCENARIOS.values()} == {1, 2, 3}
    assert any(s.hostility == 2 for s in SCENARIOS.values())  # a hostile persona exists and is marked


def test_the_russian_scenarios_are_russian_and_cover_three_tracks():
    assert set(RUSSIAN) <= set(SCENARIOS)
    russian = [SCENARIOS[sid] for sid in RUSSIAN]
    assert {s.language for s in russian} == {"ru"} and {s.track for s in russian} == {"phrasing", "telephone",
                                                                                     "complaint"}
    assert any(s.channel == "phone" for s in russian) and any(s.situation.public for s in russian)


@pytest.mark.parametrize("sid", REQUIRED + RUSSIAN)
def test_good_service_resolves_with_the_mood_rising(detector, sid):
    sc = SCENARIOS[sid]
    result = play(sc, load_script(sid, "good"), seed=1, detector=detector)
    assert result["outcome"] == "resolved", result["turns"]
    assert result["mood"] > sc.start_mood
    assert set(result["needs_met"]) == {n.id for n in sc.needs}


@pytest.mark.parametrize("sid", REQUIRED + RUSSIAN)
def test_poor_service_escalates_or_hangs_up(detector, sid):
    sc = SCENARIOS[sid]
    result = play(sc, load_script(sid, "poor"), seed=1, detector=detector)
    assert result["outcome"] in ("escalated", "hung_up"), result["turns"]
    assert result["mood"] < max(sc.start_mood, 0)
    staff = [t for t in result["turns"] if t["speaker"] == "staff"]
    assert any(set(t["behaviors"]) & set(POOR_PRACTICE) for t in staff)


@pytest.mark.parametrize("sid", REQUIRED + RUSSIAN)
def test_the_customer_never_repeats_a_line_within_a_session(detector, sid):
    sc = SCENARIOS[sid]
    # a meandering trainee: many neutral replies, so the customer has to keep talking
    script = [NEUTRAL[sc.language].format(k=k) for k in range(sc.patience - 1)]
    result = play(sc, script, seed=3, detector=detector, channel="chat")
    said = [t["text"] for t in result["turns"] if t["speaker"] == "customer"]
    assert len(said) == len(set(said)), said
