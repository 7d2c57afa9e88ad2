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
# the Ukrainian scenarios, from the Ukrainian source's own situations and complaint phrases (SOURCES.md 001:4)
UKRAINIAN = ["uk_order_pushed_back", "uk_social_media_complaint", "uk_phone_repair_wait", "uk_price_not_as_agreed"]
# the Swedish scenarios, from the Swedish source's B2B and telephone situations (SOURCES.md 000)
SWEDISH = ["sv_site_delivery_pushed_back", "sv_phone_passed_between_departments", "sv_wrong_invoice",
           "sv_public_complaint"]
# the Latvian scenarios, from the Latvian source's service strategies (SOURCES.md 002): a public complaint after a
# broken promise of speed, personal help by phone where a video guide was not enough, a loyal customer treated as new,
# and express delivery paid for and not kept
LATVIAN = ["lv_social_media_internet_outage", "lv_phone_heat_pump_guide", "lv_loyal_customer_treated_as_new",
           "lv_express_delivery_not_kept"]
BY_LANGUAGE = {"ru": RUSSIAN, "uk": UKRAINIAN, "sv": SWEDISH, "lv": LATVIAN}
# a neutral reply that meets nothing, in each language, for a trainee who keeps the customer talking
NEUTRAL = {"en": "Let me have a look at point {k} for you.", "ru": "Сейчас посмотрю пункт {k}.",
           "uk": "Зараз подивлюся пункт {k}.", "sv": "Jag tittar på punkt {k}.", "lv": "Tūlīt apskatīšu punktu {k}."}


def test_the_fourteen_scenarios_cover_three_tracks_and_difficulties():
    assert set(REQUIRED) <= set(SCENARIOS)
    assert {s.language for s in SCENARIOS.values() if s.id in REQUIRED} == {"en"}
    assert {s.track for s in SCENARIOS.values()} == {"phrasing", "telephone", "complaint"}
    assert {s.difficulty for s in SCENARIOS.values()} == {1, 2, 3}
    assert any(s.hostility == 2 for s in SCENARIOS.values())  # a hostile persona exists and is marked


@pytest.mark.parametrize("language", sorted(BY_LANGUAGE))
def test_each_languages_scenarios_are_in_it_and_cover_three_tracks(language):
    assert set(BY_LANGUAGE[language]) <= set(SCENARIOS)
    theirs = [SCENARIOS[sid] for sid in BY_LANGUAGE[language]]
    assert {s.language for s in theirs} == {language} and {s.track for s in theirs} == {"phrasing", "telephone",
                                                                                       "complaint"}
    assert any(s.channel == "phone" for s in theirs) and any(s.situation.public for s in theirs)
    # every scenario of the language is listed here, so the tests below play them all
    assert {s.id for s in SCENARIOS.values() if s.language == language} == set(BY_LANGUAGE[language])


@pytest.mark.parametrize("sid", REQUIRED + RUSSIAN + UKRAINIAN + SWEDISH + LATVIAN)
def test_good_service_resolves_with_the_mood_rising(detector, sid):
    sc = SCENARIOS[sid]
    result = play(sc, load_script(sid, "good"), seed=1, detector=detector)
    assert result["outcome"] == "resolved", result["turns"]
    assert result["mood"] > sc.start_mood
    assert set(result["needs_met"]) == {n.id for n in sc.needs}


@pytest.mark.parametrize("sid", REQUIRED + RUSSIAN + UKRAINIAN + SWEDISH + LATVIAN)
def test_poor_service_escalates_or_hangs_up(detector, sid):
    sc = SCENARIOS[sid]
    result = play(sc, load_script(sid, "poor"), seed=1, detector=detector)
    assert result["outcome"] in ("escalated", "hung_up"), result["turns"]
    assert result["mood"] < max(sc.start_mood, 0)
    staff = [t for t in result["turns"] if t["speaker"] == "staff"]
    assert any(set(t["behaviors"]) & set(POOR_PRACTICE) for t in staff)


@pytest.mark.parametrize("sid", REQUIRED + RUSSIAN + UKRAINIAN + SWEDISH + LATVIAN)
def test_the_customer_never_repeats_a_line_within_a_session(detector, sid):
    sc = SCENARIOS[sid]
    # a meandering trainee: many neutral replies, so the customer has to keep talking
    script = [NEUTRAL[sc.language].format(k=k) for k in range(sc.patience - 1)]
    result = play(sc, script, seed=3, detector=detector, channel="chat")
    said = [t["text"] for t in result["turns"] if t["speaker"] == "customer"]
    assert len(said) == len(set(said)), said


@pytest.mark.parametrize("sid", REQUIRED + RUSSIAN + UKRAINIAN + SWEDISH + LATVIAN)
def test_a_staff_side_written_for_another_scenario_does_not_resolve_it(detector, sid):
    """The customer listens to what is offered: every other scenario's good staff side of the same language, polite
    and well built but about another problem, leaves this customer unsatisfied while its own resolves it, in the
    scenario's channel and in the other; so does a polite staff side that never says what will happen; and an offer
    beyond the situation's limits is accepted but noted (coach.sim.realism, which bench/bench_realism.py reports)."""
    from coach.detect import shared_detector
    from coach.sim.realism import for_channel, judge, staff_sides

    sc = SCENARIOS[sid]
    det = detector if sc.language == "en" else shared_detector(language=sc.language)
    sides = staff_sides(sc, SCENARIOS, det)
    assert len(sides["off_problem"]) == sum(1 for o in SCENARIOS.values() if o.language == sc.language) - 1
    other = "chat" if sc.channel == "phone" else "phone"  # any scenario can be practised in either channel
    for kind in ("well", "off_problem", "vague", "over_promise"):
        for script in sides.get(kind, ()):
            for channel, played in ((sc.channel, script), (other, for_channel(script, other))):
                session = judge(sc, kind, play(sc, played, seed=1, detector=det, channel=channel))
                assert session.expected, (kind, channel, session.outcome, session.lines)
                assert not session.repeats and not session.reasked, (kind, session.repeats, session.reasked)
    assert ("over_promise" in sides) == bool(sc.situation.offers)


@pytest.mark.parametrize("sid", REQUIRED + RUSSIAN + UKRAINIAN + SWEDISH + LATVIAN)
def test_different_seeds_read_differently_and_a_seed_replays_exactly(detector, sid):
    """The personas' lines (six or more for each move) join the scenario's, so the customer varies with the seed."""
    sc = SCENARIOS[sid]
    # the personas, where a scenario has them, and the scenario's own variants
    said = {}
    for seed in range(1, 6):
        result = play(sc, load_script(sid, "good"), seed=seed, detector=detector)
        said[seed] = [t["text"] for t in result["turns"] if t["speaker"] == "customer"]
    assert len({tuple(v) for v in said.values()}) >= 3, said
    again = play(sc, load_script(sid, "good"), seed=3, detector=detector)
    assert [t["text"] for t in again["turns"] if t["speaker"] == "customer"] == said[3]


@pytest.mark.parametrize("sid", ["ru_price_shocked", "ru_spec_expert"])
def test_a_budget_is_given_to_a_question_about_price_not_to_one_that_values_the_customer(sid):
    """«цен» as a word prefix also began «ценим» («we value»): a courtesy before a question was read as asking
    the price, and the customer named a budget nobody had asked for."""
    from coach.sim import CustomerSimulator

    def budget_given(text):
        reply = CustomerSimulator(SCENARIOS[sid], seed=1).staff_says(text, {"information_request"})
        return "budget" in reply.facts_given

    assert not budget_given("Мы ценим Ваше доверие. Что для Вас важнее всего?")
    assert budget_given("Подскажите, на какую цену Вы ориентируетесь?")
    assert budget_given("Какая сумма для Вас комфортна?")
