"""The phrase drill: every prompt's model answers pass and its bad attempts fail, for the reasons given."""

import pytest

from coach.sim.drill import DrillError, check_answer, load_prompts, pick

PROMPTS = load_prompts()


def test_there_are_enough_prompts_across_topics():
    assert len(PROMPTS) >= 60
    assert len({p.topic for p in PROMPTS}) >= 6
    assert "We don't deliver on weekends." in {p.negative for p in PROMPTS}


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.id)
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
