"""The language folder loader: English loads, and a mistake names the file, the key and what would be right."""

import shutil

import pytest

from coach.detect import lexicon as lx

load = lx.load_lexicon.__wrapped__  # uncached: each test reads its own folder


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A copy of the English folder as language "xx", to break one file at a time."""
    shutil.copytree(lx.LEXICONS / "en", tmp_path / "xx")
    monkeypatch.setattr(lx, "LEXICONS", tmp_path)
    return tmp_path / "xx"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_english_loads_with_every_list_the_detector_reads():
    lexicon = lx.load_lexicon("en")
    assert lexicon.name == "English"
    assert "send" in lexicon.lists["solution_verbs"] and "hi" in lexicon.expanded("greeting")
    assert {"you_can_actions", "known_subjects"} <= set(lexicon.lists)
    assert lexicon.lists["action_imperatives"] < lexicon.lists["you_can_actions"]  # "$action_imperatives" included


def test_forms_expand_with_the_lemma_table():
    forms = lambda lemmas: set(lemmas) | {"sent"} if "send" in lemmas else set(lemmas)  # noqa: E731
    first = lx.load_lexicon("en").token_patterns(forms)["solution"][0]
    assert "sent" in first[-1]["LOWER"]["IN"]


def test_unknown_word_list_in_a_pattern(folder):
    _edit(folder / "patterns.yml", "{LOWER: {FORMS: $solution_verbs}}", "{LOWER: {FORMS: $solution_verb}}")
    with pytest.raises(lx.LexiconError) as err:
        load("xx")
    msg = str(err.value)
    assert msg.startswith("lexicons/xx/patterns.yml: solution[0][3].LOWER.FORMS: unknown word list $solution_verb")
    assert "did you mean $solution_verbs?" in msg and "known: " in msg


def test_yaml_boolean_is_caught_with_a_hint(folder):
    _edit(folder / "words.yml", '"no", stock', "no, stock")
    with pytest.raises(lx.LexiconError, match=r"words.yml: negation_triggers\[1\]: .*put the word in quotes"):
        load("xx")


def test_unknown_token_attribute_and_label(folder):
    _edit(folder / "patterns.yml", "[{LOWER: back}, {LOWER: in}, {LOWER: stock}]", "[{LOWR: back}]")
    with pytest.raises(lx.LexiconError, match=r"patterns.yml: solution\[12\]\[0\].LOWR: unknown key"):
        load("xx")


def test_label_must_be_a_tag_or_auxiliary(folder):
    _edit(folder / "phrases.yml", "greeting:", "greetings:")
    with pytest.raises(lx.LexiconError, match=r"phrases.yml: greetings: not a behaviour tag"):
        load("xx")


def test_missing_word_list_and_missing_folder(folder):
    _edit(folder / "words.yml", "team_nouns:", "team_words:")
    with pytest.raises(lx.LexiconError, match=r"words.yml: missing word list\(s\) team_nouns"):
        load("xx")
    with pytest.raises(lx.LexiconError, match=r"lexicons/zz: no such language folder; known: xx"):
        load("zz")


def test_unbalanced_template(folder):
    _edit(folder / "customer.yml", '"{late|delayed|delay|delays|overdue}"', '"{late|delayed"')
    with pytest.raises(lx.LexiconError, match=r"customer.yml: complaint\[0\]: .*unbalanced braces"):
        load("xx")


@pytest.mark.parametrize("template, size", [
    ("how {can|may} {i|we} help", 4), ("{so |}sorry", 2), ("{a|{b|c}d} e{f|g}", 6), ("a|b x}y", 1),
])
def test_expansion_size_counts_what_expand_gives(template, size):
    assert lx.expansion_size(template) == size == len(lx.expand(template))


def test_a_template_of_too_many_phrases_is_refused_before_it_is_expanded(folder):
    huge = " ".join("{a%d|b%d|c%d|d%d|e%d}" % ((i,) * 5) for i in range(9))  # 5^9: nearly two million phrases
    _edit(folder / "customer.yml", '"{late|delayed|delay|delays|overdue}"', f'"{huge}"')
    with pytest.raises(lx.LexiconError, match=r"customer.yml: complaint\[0\]: .*1,953,125 phrases \(at most 100,000\)"):
        load("xx")
