"""Ukrainian, added as data (coach/detect/lexicons/uk/), as Russian was: pymorphy3's Ukrainian lemmas match every form
of a cue whichever apostrophe a word was typed with, the wordings that take a cue back are not tagged, each tag has
pass and fail replies (detect_fixtures/uk/<tag>.yml), and a reply's language is told from its words and letters:
Ukrainian from Russian (which write many words alike) and from English, on short and long messages, with a warning
where a reply is read by the detector of another language or mixes two."""

import json

import pytest

from coach.detect import Detector, shared_detector
from coach.detect.customer import ComplaintDetector
from coach.detect.languages import guess_language, languages, message_language
from coach.detect.markup import straighten_quotes
from coach.detect.morph import lemmatizer
from coach.detect.signals import SignalMatcher, signal_names
from tests.unit.detect_cases import fixture_cases, fixture_files

FILES = fixture_files("uk")
CASES = fixture_cases(FILES, "uk")


@pytest.fixture(scope="module")
def rules():
    return Detector(language="uk", model=False)


def test_every_tag_has_pass_and_fail_replies():
    for tag, data in FILES.items():
        assert data["tag"] == tag and len(data["pass"]) >= 4 and len(data["fail"]) >= 4, tag


@pytest.mark.parametrize("tag, kind, case", CASES)
def test_fixture(rules, tag, kind, case):
    got = rules.detect(case["text"], case.get("customer")).behaviors
    assert (tag in got) == (kind == "pass"), f"{case['text']!r} -> {got}"


def test_one_cue_matches_every_form_of_its_words(rules):
    """The lexicon says "вибачте", "вибачаємося" and "просимо вибачення" once each."""
    for text in ("Вибачте, будь ласка.", "Вибачаюся за затримку!", "Приношу свої вибачення.",
                 "Просимо вибачення за очікування", "Прошу вибачення, це моя помилка", "Перепрошуємо за незручності"):
        assert "apology" in rules.detect(text).behaviors, text
    lemma = lemmatizer("uk")
    assert lemma("вибачаюся") == lemma("вибачаємось") == "вибачатися"
    assert lemma("дякуємо") == lemma("дякую") == "дякувати"


def test_an_apostrophe_is_one_character_whichever_was_typed(rules):
    """Ukrainian writes an apostrophe inside words; people type ', ’ or ʼ, and the dictionary has one of them."""
    lemma = lemmatizer("uk")
    assert lemma("м'ясо") == lemma("м’ясо") == lemma("мʼясо") == "м'ясо"
    assert lemma("пам’ятка") == lemma("пам'ятка") == lemma("памʼятка")
    assert lemma("зв’яжуться") == lemma("звʼяжеться") == lemma("зв'язався") == "зв'язатися"
    for apostrophe in ("'", "’", "ʼ"):
        text = f"Кур{apostrophe}єр зв{apostrophe}яжеться з вами завтра."
        det = rules.detect(text)
        assert "next_steps" in det.behaviors and not det.warnings, (text, det.behaviors, det.warnings)
        span = det.spans_of("next_steps")[0]
        assert text[span.start:span.end] == span.text and f"зв{apostrophe}яжеться" in span.text  # as it was typed


def test_every_tag_points_at_words_of_the_reply():
    detector = shared_detector(language="uk")
    text = "Добрий день, мене звати Оксана. Розумію ваше обурення: кур’єр зателефонує вам завтра до 12:00."
    det = detector.detect(text, "Де моє замовлення? Чекаю вже тиждень!")
    assert {"greeting", "self_identification", "empathy", "next_steps"} <= set(det.behaviors)
    for e in det.spans:
        assert text[e.start:e.end] == e.text and e.text.strip()


@pytest.mark.parametrize("text, language", [
    # long and short Ukrainian, also without the letters only Ukrainian has
    ("Добрий день! Дякуємо, що звернулися. Ваше замовлення вже в дорозі, кур'єр привезе його завтра.", "uk"),
    ("Так, звісно, зараз перевірю.", "uk"),
    ("Дякую!", "uk"),
    ("Будь ласка, зачекайте хвилинку.", "uk"),
    ("Доброго ранку, Олено!", "uk"),
    # Russian, long and short, with and without "ы", "ё"
    ("Здравствуйте! Ваш заказ уже в пути, курьер привезёт его завтра.", "ru"),
    ("Спасибо, ждите звонка курьера завтра до обеда", "ru"),
    ("Hello! Your parcel is on its way and should arrive tomorrow.", "en"),
    ("Labdien! Jūsu pasūtījums jau ir ceļā, kurjers piezvanīs rīt.", "lv"),
    # mixed: a reply in one language with a sentence of the other goes to the one most of it is in
    ("Добрий день! Ваше замовлення вже відправили, завтра буде у відділенні. Извините за задержку.", "uk"),
    ("Здравствуйте! Заказ передан курьеру, он привезёт его сегодня вечером. Дякую!", "ru"),
    # surzhyk: Ukrainian with Russian words is Ukrainian; Russian with Ukrainian words is Russian
    ("Ну шо, ваш заказ вже їде, чекайте курʼєра до вечора.", "uk"),
    ("Щас гляну, шо там по вашій посилці, вибачаюсь за ожидание", "uk"),
    ("Здравствуйте, щас посмотрю шо там с вашим заказом, бо система тупит", "ru"),
    ("Thanks for waiting, your refund is on its way. Дякую!", "en"),
])
def test_the_language_is_told_from_its_words_and_letters(text, language):
    assert guess_language(text) == language
    assert message_language(text) == language


def test_a_message_too_short_for_its_words_goes_by_its_letters():
    """No common word of any language: the alphabet that has every letter wins (Ukrainian "і" is not Russian, Russian
    "ы" is not Ukrainian)."""
    assert languages()[0] == "en" and {"ru", "uk"} <= set(languages())  # and others (Swedish)
    assert guess_language("Смачної кави!") == "en" and message_language("Смачної кави!") == "uk"
    assert guess_language("Вкусных выходных!") == "en" and message_language("Вкусных выходных!") == "ru"
    assert message_language("Перевірте DNS") == "uk" and message_language("Check DNS") == "en"


@pytest.mark.parametrize("text, read_as, warned", [
    ("Добрий день! Вибачте за затримку, ми вже відправили ваше замовлення.", "ru", True),
    ("Дякуємо за терпіння, гроші повернемо протягом трьох днів.", "ru", True),
    ("Дякую! Гарного дня", "ru", True),  # no letter Russian lacks, but Ukrainian words
    ("Здравствуйте! Ваш заказ уже в пути, SMS придёт завтра.", "uk", True),
    ("Спасибо, ждите звонка курьера завтра до обеда", "uk", True),  # no letter Ukrainian lacks, but Russian words
    ("Thank you for waiting, your refund will be processed tomorrow.", "uk", True),
    ("Дякуємо за очікування, повернення оформимо завтра, гроші прийдуть протягом трьох днів.", "en", True),
    # a reply that mixes the two is flagged, by the detector of either
    ("Добрий день! Ваше замовлення вже відправили. Извините за задержку, такое бывает.", "uk", True),
    # read by their own detector: no warning, typographic apostrophes and a Latin "SMS" included
    ("Добрий день! Вибачте за затримку, ми вже відправили ваше замовлення.", "uk", False),
    ("Кур’єр зв’яжеться з вами завтра, SMS прийде за годину. Пам’ятка в листі.", "uk", False),
    ("Ну шо, ваш заказ вже їде, чекайте курʼєра до вечора.", "uk", False),
    ("Здравствуйте! Ваш заказ уже в пути, SMS придёт завтра.", "ru", False),
])
def test_a_reply_in_another_language_is_flagged_not_scored_silently(text, read_as, warned):
    det = shared_detector(language=read_as).detect(text)
    assert bool(det.warnings) is warned, det.warnings
    if warned:
        name = {"uk": "Ukrainian", "ru": "Russian", "en": "English"}[read_as]
        assert f"does not look like {name}" in det.warnings[0]


def test_coach_tag_reads_each_reply_in_its_language(run_coach):
    lines = [{"id": 1, "text": "Добрий день! Просимо вибачення, повернемо гроші протягом трьох днів."},
             {"id": 2, "text": "Здравствуйте! Приносим извинения, вернём деньги в течение трёх дней."},
             {"id": 3, "text": "Hi there, sorry about the delay."}]
    proc = run_coach("tag", stdin="\n".join(json.dumps(r, ensure_ascii=False) for r in lines).encode())
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [(o["id"], o["language"]) for o in out] == [(1, "uk"), (2, "ru"), (3, "en")]
    assert {"greeting", "apology", "solution"} <= set(out[0]["behaviors"]) and not out[0].get("warnings")
    forced = run_coach("tag", "--lang", "ru", stdin=json.dumps(lines[0], ensure_ascii=False).encode())
    record = json.loads(forced.stdout)
    assert record["language"] == "ru" and "does not look like Russian" in record["warnings"][0]


def test_the_signals_have_the_russian_names():
    """A Ukrainian standards pack can use the signals a Russian one does."""
    assert signal_names("uk") == signal_names("ru")


@pytest.mark.parametrize("side, text, signal, found", [
    ("staff", "Майстер приїде у п’ятницю о 10 годині.", "time_given", "у п'ятницю"),
    ("staff", "Кур'єр зателефонує протягом двох годин.", "time_given", "протягом двох годин"),
    ("staff", "Гарного дня! Чим ще можу допомогти сьогодні?", "time_given", None),
    ("staff", "Спробуємо, мабуть, завтра.", "time_given", None),
    ("staff", "Напишіть нам, будь ласка, у приватні повідомлення.", "move_private", "приватні повідомлення"),
    ("staff", "Підкажіть номер замовлення, будь ласка.", "personal_data", "номер замовлення"),
    ("staff", "Ваш телефон 067 123-45-67, чи правильно?", "shows_personal_data", "067 123"),
    ("staff", "Гаряча лінія 0 800 300 545 працює цілодобово.", "shows_personal_data", None),
    ("staff", "Назвіть, будь ласка, тризначний код на звороті картки.", "card_secret", "тризначний код"),
    ("staff", "Ми ніколи не просимо код із СМС.", "card_secret", None),
    ("staff", "Розкажіть, будь ласка, що сталося?", "asks_problem", "що сталося"),
    ("customer", "Пральна машина не вмикається, а ще привезли не той колір.", "told_problem", "не вмикається"),
    ("customer", "Дякую, все отримала.", "told_problem", None),
])
def test_the_ukrainian_signals(signals, side, text, signal, found):
    """A reply's typographic apostrophes are straightened before it is read (markup.clean), a customer's here."""
    hits = signals.customer(text) if side == "customer" else signals.match(side, signals.nlp(straighten_quotes(text)))
    texts = [h.text.lower() for h in hits.get(signal, ())]
    assert (found in " ".join(texts)) if found else not texts, hits


@pytest.fixture(scope="module")
def signals():
    return SignalMatcher(shared_detector(language="uk").nlp, "uk")


def test_a_complaint_is_told_by_its_lemmas():
    detector = shared_detector(language="uk")
    complaints = ComplaintDetector(detector.nlp, "uk", detector.reader)
    for text in ("Досі не привезли замовлення, скільки можна!", "Мені списали гроші двічі!",
                 "Я дуже розчарована вашим сервісом.", "Чекаю вже третій тиждень"):
        assert complaints.is_complaint(text), text
    for text in ("Нема за що!", "Дякую, все отримала, гарного дня", "Підкажіть, будь ласка, режим роботи"):
        assert not complaints.is_complaint(text), text
