"""The Rasa NLU examples of every language folder (data/nlu/<lang>/, beside the English ones at the top of
data/nlu/), read with Rasa's own YAML reader (no model needed): one file per English intent, each holding that
intent only and 40 examples of it; no reply twice in a language; only the four entities, an amount marked from its
number without a currency sign (the whitespace tokenizer drops a sign written apart, so «[1 500 ₽](amount)» would end
on a token that is not there: «[1 500](amount) ₽», «[1 500](amount) грн»); and no letter only the other Cyrillic
language has, so a reply in the wrong language cannot slip into a folder («ы» in Ukrainian, «ї» in Russian)."""

import re
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

ROOT = Path(__file__).resolve().parents[2]
NLU = ROOT / "data" / "nlu"
LANGUAGES = sorted(p.name for p in NLU.iterdir() if p.is_dir())
ENGLISH_INTENTS = sorted(p.stem for p in NLU.glob("*.yml") if p.stem != "regexes")
PER_INTENT = 40
ENTITIES = {"person_name", "order_number", "amount", "time"}
CURRENCY_SIGNS = "₽₴$€£"
# letters a language's alphabet lacks and its Cyrillic neighbour has
NOT_IN = {"ru": "іїєґ", "uk": "ыэъё"}


def examples(lang):
    """{intent: [Message]} of a language folder, each file read on its own."""
    out = {}
    for path in sorted((NLU / lang).glob("*.yml")):
        data = RasaYAMLReader().read(path)
        assert data.intents == {path.stem}, f"{path}: intents {data.intents}, expected only {path.stem}"
        out[path.stem] = data.intent_examples
    return out


def test_the_russian_and_ukrainian_folders_are_there():
    assert {"ru", "uk"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_file_per_english_intent_with_40_examples_each(lang):
    found = examples(lang)
    assert sorted(found) == ENGLISH_INTENTS
    counts = {intent: len(messages) for intent, messages in found.items()}
    assert all(n == PER_INTENT for n in counts.values()), counts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_reply_twice_within_or_across_intents(lang):
    seen = {}
    for intent, messages in examples(lang).items():
        for m in messages:
            key = re.sub(r"[\s.,!?)…]+$", "", m.get("text").lower())
            assert key not in seen, f"{m.get('text')!r} in {intent} and {seen[key]}"
            seen[key] = intent


@pytest.mark.parametrize("lang", LANGUAGES)
def test_only_the_four_entities_and_amounts_without_their_sign(lang):
    for messages in examples(lang).values():
        for m in messages:
            for e in m.get("entities") or []:
                assert e["entity"] in ENTITIES, (m.get("text"), e)
                if e["entity"] == "amount":
                    assert e["value"][0].isdigit(), (m.get("text"), e)
                    assert not set(e["value"]) & set(CURRENCY_SIGNS), (m.get("text"), e)


@pytest.mark.parametrize("lang", sorted(set(LANGUAGES) & set(NOT_IN)))
def test_no_letter_of_the_other_alphabet(lang):
    letters = set(NOT_IN[lang])
    wrong = [m.get("text") for messages in examples(lang).values() for m in messages
             if letters & set(m.get("text").lower())]
    assert not wrong, wrong
