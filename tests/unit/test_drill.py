"""The phrase drill: every prompt's model answers pass and its bad attempts fail, for the reasons given."""

import pytest

from coach.sim.drill import DrillError, check_answer, load_all_prompts, load_prompts, pick

PROMPTS = load_prompts()  # English
EVERY = load_all_prompts()  # every language's (bot/drill/prompts*.yml)
RUSSIAN = [p for p in EVERY if p.language == "ru"]


def test_there_are_enough_prompts_across_topics():
    assert len(PROMPTS) >= 60
    assert len({p.topic for p in PROMPTS}) >= 6
    assert "We don't deliver on weekends." in {p.negative for p in PROMPTS}


@pytest.mark.parametrize("language", ["ru", "uk", "sv", "lv"])
def test_each_language_has_its_own_prompts_and_a_round_is_in_one_language(language):
    theirs = [p for p in EVERY if p.language == language]
    assert len(theirs) >= 24 and len({p.topic for p in theirs}) >= 6
    assert len(theirs) == len(RUSSIAN)  # as many prompts as the Russian drill
    assert all(p.offer_words and p.language == language for p in theirs)
    assert {p.language for p in pick(EVERY, 5, n=8, language=language)} == {language}
    assert {p.language for p in pick(EVERY, 5, n=8)} == {"en"}
    with pytest.raises(DrillError, match="no drill prompts in 'et' .there are prompts in en, lv, ru, sv, uk."):
        pick(EVERY, 5, language="et")


@pytest.mark.parametrize("language, negative, refusal, thanks, alternative", [
    ("uk", "У вихідні ми не доставляємо.", "У вихідні доставки немає, нічого не можу вдіяти.",
     "Дякуємо за замовлення, гарного дня!",
     # a typographic apostrophe reads as the straight one of the keys
     "Кур’єри працюють у будні, тож привеземо в понеділок; можу записати вас на ранок."),
    ("sv", "Vi levererar inte på helger.", "Helgleveranser finns inte, det går inte att ordna.",
     "Tack för din beställning och ha en fin dag!",
     "Budet kör ut på vardagar, så vi levererar på måndag; vill du ha förmiddag?"),
    ("lv", "Brīvdienās mēs nepiegādājam.", "Brīvdienās piegādes nav, neko nevaru padarīt.",
     "Paldies par pasūtījumu, jauku dienu!",
     "Kurjers brauc darba dienās, tāpēc piegādāsim pirmdien; vai vēlaties no rīta?"),
])
def test_answers_are_read_by_the_detector_of_the_prompts_language(detector, language, negative, refusal, thanks,
                                                                    alternative):
    p = next(p for p in EVERY if p.language == language and p.negative == negative)
    r = check_answer(p, refusal, detector)  # the language's own detector
    assert not r.passed and not r.positive
    r = check_answer(p, thanks, detector)
    assert not r.passed and not r.kept_meaning
    assert check_answer(p, p.model, detector).passed
    assert check_answer(p, alternative, detector).passed


def test_russian_feedback_is_in_russian(detector):
    p = next(p for p in RUSSIAN if p.negative == "По выходным мы не доставляем.")
    r = check_answer(p, "В выходные доставки нет, ничего не могу сделать.", detector)  # read by the Russian detector
    assert not r.passed and not r.positive and any("скажите лучше, что вы можете сделать" in f for f in r.feedback)
    r = check_answer(p, "Спасибо за заказ, хорошего дня!", detector)
    assert not r.passed and any(f.startswith("Сохраните факты исходной фразы") for f in r.feedback)
    assert check_answer(p, p.model, detector).passed


@pytest.mark.parametrize("prompt", EVERY, ids=lambda p: p.id)
def test_model_answers_pass_and_bad_ones_fail(detector, prompt):
    for good in (prompt.model,) + prompt.also_good:
        r = check_answer(prompt, good, detector)
        assert r.passed, (good, r.feedback)
    for bad in prompt.bad:
        assert not check_answer(prompt, bad, detector).passed, bad
    assert not check_answer(prompt, prompt.negative, detector).passed  # giving the prompt back never passes


def test_feedback_says_what_failed_and_shows_the_model(detector):
    p = next(p for p in PROMPTS if p.negative == "We don't deliver on weekends.")
    r = check_answer(p, "We can't deliver at the weekend, sorry.", detector)
    assert not r.passed and not r.positive and r.problems[0]["text"]
    assert any("cannot be done" in f for f in r.feedback) and r.model == p.model
    r = check_answer(p, "Happy to help! Is there anything else?", detector)
    assert not r.passed and not r.kept_meaning and any("Keep the facts" in f for f in r.feedback)


def test_empty_or_huge_answers_are_explained(detector):
    with pytest.raises(DrillError, match="the answer is empty"):
        check_answer(PROMPTS[0], "  ", detector)
    with pytest.raises(DrillError, match="keep it to one or two sentences"):
        check_answer(PROMPTS[0], "word " * 500, detector)


def test_a_round_is_the_same_for_the_same_seed():
    assert [p.id for p in pick(PROMPTS, 4)] == [p.id for p in pick(PROMPTS, 4)]
    assert len(pick(PROMPTS, 4, n=10)) == 10
