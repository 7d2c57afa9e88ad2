"""Swedish, added as data (coach/detect/lexicons/sv/), as Ukrainian was, with simplemma in place of pymorphy3:
one cue matches every form of its words, hurried spellings read as the words they stand for, the wordings that take a
cue back are not tagged, each tag has pass and fail replies (detect_fixtures/sv/<tag>.yml), and a reply's language is
told from its words: Swedish from English (the same script) also when the Swedish is full of English loanwords, and
from Russian and Ukrainian; the detector works without its learned model (models/sv.npz) too."""

import json

import pytest

from coach.detect import Detector, shared_detector
from coach.detect.customer import ComplaintDetector
from coach.detect.languages import guess_language, languages, message_language
from coach.detect.learned import MODEL_DIR
from coach.detect.lexicon import LanguageFile, load_lexicon
from coach.detect.morph import LEMMATISERS, dictionary_word, lemmatizer, matches_on_lemmas
from coach.detect.signals import SignalMatcher, signal_names
from tests.unit.detect_cases import fixture_cases, fixture_files

FILES = fixture_files("sv")
CASES = fixture_cases(FILES, "sv")


@pytest.fixture(scope="module")
def rules():
    return Detector(language="sv", model=False)


def test_every_tag_has_pass_and_fail_replies():
    for tag, data in FILES.items():
        assert data["tag"] == tag and len(data["pass"]) >= 6 and len(data["fail"]) >= 6, tag


@pytest.mark.parametrize("tag, kind, case", CASES)
def test_fixture(rules, tag, kind, case):
    got = rules.detect(case["text"], case.get("customer")).behaviors
    assert (tag in got) == (kind == "pass"), f"{case['text']!r} -> {got}"


def test_swedish_is_lemmatised_by_simplemma():
    lexicon = load_lexicon("sv")
    assert lexicon.resolvers == "cues" and lexicon.lemmatizer == "simplemma" and matches_on_lemmas(lexicon)
    # every lemmatiser language.yml may name is one the detector has, and the other way round
    assert set(LanguageFile.__fields__["lemmatizer"].type_.__args__) == {"lookup", *LEMMATISERS}


def test_one_cue_matches_every_form_of_its_words(rules):
    """The lexicon says "beklagar", "ber om ursäkt" and "vi skickar" once each."""
    for text in ("Vi beklagade det verkligen.", "Jag bad om ursäkt redan i går.", "Vi ber om ursäkt för strulet."):
        assert "apology" in rules.detect(text).behaviors, text
    lemma = lemmatizer("sv")
    assert lemma("beklagar") == lemma("beklagade") == "beklaga"
    assert lemma("hjälper") == lemma("hjälpa") == "hjälpa"
    assert lemma("hjälpte") == "hjälpte" and lemma("hej") == "hej"  # kept_forms: a check, a greeting


def test_the_dictionary_tells_a_shouted_word_from_an_abbreviation(rules):
    known = dictionary_word("sv")
    assert known("redan") and not known("wms")
    det = rules.detect("Jag har REDAN svarat, ordern ligger i WMS.")
    assert "rude" in det.behaviors and "jargon" in det.behaviors
    assert [e.text for e in det.spans_of("jargon")] == ["WMS"]


def test_hurried_spellings_read_as_words(rules):
    for text, tag in (("Tack så mkt för hjälpen!", "thanks"), ("Tack sa mycket!", "thanks"),
                      ("Hej da, ha det bra!", "closing"), ("Tyvarr kan vi inte byta den.", "negative_phrasing"),
                      ("Ngn från lagret ringer dig imorgon.", "next_steps"), ("Forlat för strulet!", "apology")):
        assert tag in rules.detect(text).behaviors, text
    lemma = lemmatizer("sv")
    assert rules.nlp("ngt mkt va")[0].norm_ == lemma("något")
    assert [t.norm_ for t in rules.nlp("mkt va")] == [lemma("mycket"), lemma("vad")]


def test_every_tag_points_at_words_of_the_reply():
    detector = shared_detector(language="sv")
    text = "Hej, jag heter Sara! Jag förstår din frustration: teknikern ringer dig imorgon före 12."
    det = detector.detect(text, "Var är min beställning? Jag har väntat i två veckor!")
    assert {"greeting", "self_identification", "empathy", "next_steps"} <= set(det.behaviors)
    for e in det.spans:
        assert text[e.start:e.end] == e.text and e.text.strip()


def test_the_detector_works_without_a_learned_model():
    # models/sv.npz is there since the Swedish model was trained; the cues alone still read a reply
    assert (MODEL_DIR / "sv.npz").exists()
    assert shared_detector(language="sv").model is not None
    detector = Detector(language="sv", model=False)
    assert detector.model is None
    assert "apology" in detector.detect("Förlåt för dröjsmålet!").behaviors


@pytest.mark.parametrize("text, language", [
    ("Hej! Tack för att du hörde av dig. Din beställning är på väg och kommer i morgon.", "sv"),
    ("Tack!", "sv"),
    ("Ha en trevlig helg!", "sv"),
    ("Hejdå!", "sv"),  # no common word: its letters (å) are no English word's
    # English loanwords in Swedish chat do not make it English
    ("Sorry för strulet, vi fixar det asap!", "sv"),
    ("Vi har en bugg i appen, en update kommer nästa vecka. Sorry!", "sv"),
    ("Ok, jag kollar med supporten och mejlar dig.", "sv"),
    # typed without å, ä, ö
    ("Tyvarr ar den slut, men vi far in fler nasta vecka", "sv"),
    # English, Latvian, Russian, Ukrainian
    ("Hello! Your parcel is on its way and should arrive tomorrow.", "en"),
    ("Labdien! Paldies, ka sazinājāties. Jūsu pasūtījums ir ceļā un rīt būs pie Jums.", "lv"),
    ("Sveiki! Diemzel nevaram palidzet, sazinieties ar banku.", "lv"),
    ("Thanks, I'll check with the warehouse and get back to you.", "en"),
    ("Check DNS", "en"),
    ("Здравствуйте! Ваш заказ уже в пути, курьер привезёт его завтра.", "ru"),
    ("Добрий день! Дякуємо, що звернулися.", "uk"),
])
def test_the_language_is_told_from_its_words_and_letters(text, language):
    assert message_language(text) == language


def test_swedish_is_one_of_the_languages():
    assert languages()[0] == "en" and "sv" in languages()
    assert guess_language("Tack så mycket för hjälpen, det löste sig!") == "sv"


@pytest.mark.parametrize("text, read_as, warned", [
    ("Hej! Förlåt för förseningen, vi har skickat din beställning idag.", "en", True),
    ("Sorry för strulet, vi fixar det asap och återkommer i morgon!", "en", True),
    ("Tack för ditt tålamod, pengarna är tillbaka inom tre bankdagar.", "en", True),
    ("Thank you for waiting, your refund will be processed tomorrow.", "sv", True),
    ("Thanks for reaching out! I'll check with the team and get back to you.", "sv", True),
    ("Дякуємо за очікування, повернення оформимо завтра.", "sv", True),
    ("Спасибо, ждите звонка курьера завтра до обеда", "sv", True),
    ("Labdien! Atvainojamies par kavēšanos, atmaksa tiks veikta rīt.", "sv", True),
    # read by their own detector: no warning, loanwords included
    ("Hej! Förlåt för förseningen, vi har skickat din beställning idag.", "sv", False),
    ("Sorry för strulet, vi fixar det asap och återkommer i morgon!", "sv", False),
    ("Thank you for waiting, your refund will be processed tomorrow.", "en", False),
])
def test_a_reply_in_another_language_is_flagged_not_scored_silently(text, read_as, warned):
    det = shared_detector(language=read_as).detect(text)
    assert bool(det.warnings) is warned, det.warnings
    if warned:
        name = {"sv": "Swedish", "en": "English"}[read_as]
        assert f"does not look like {name}" in det.warnings[0]


def test_coach_tag_reads_each_reply_in_its_language(run_coach):
    lines = [{"id": 1, "text": "Hej! Vi ber om ursäkt, du får pengarna tillbaka inom tre bankdagar."},
             {"id": 2, "text": "Hi there, sorry about the delay."}]
    proc = run_coach("tag", stdin="\n".join(json.dumps(r, ensure_ascii=False) for r in lines).encode())
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [(o["id"], o["language"]) for o in out] == [(1, "sv"), (2, "en")]
    assert {"greeting", "apology", "solution"} <= set(out[0]["behaviors"]) and not out[0].get("warnings")


def test_the_signals_have_the_russian_names():
    """A Swedish standards pack can use the signals a Russian or Ukrainian one does."""
    assert signal_names("sv") == signal_names("ru") == signal_names("uk")


@pytest.fixture(scope="module")
def signals():
    return SignalMatcher(shared_detector(language="sv").nlp, "sv")


@pytest.mark.parametrize("side, text, signal, found", [
    ("staff", "Teknikern kommer på fredag kl 10.", "time_given", "på fredag"),
    ("staff", "Du får ett sms inom två timmar.", "time_given", "inom två timmar"),
    ("staff", "Något mer jag kan hjälpa dig med idag? Ha en fin dag!", "time_given", None),
    ("staff", "Förhoppningsvis i morgon.", "time_given", None),
    ("staff", "Skicka ett DM så tar vi det därifrån.", "move_private", "dm"),
    ("staff", "Kan jag få ditt ordernummer?", "personal_data", "ordernummer"),
    ("staff", "Ditt nummer är 070-123 45 67, stämmer det?", "shows_personal_data", "070"),
    ("staff", "Ange gärna kortnummer och CVV.", "card_secret", "cvv"),
    ("staff", "Vi frågar aldrig efter ditt CVV.", "card_secret", None),
    ("staff", "Berätta gärna vad som har hänt.", "asks_problem", "vad som har hänt"),
    ("customer", "Tvättmaskinen startar inte och jag fick fel färg.", "told_problem", "startar inte"),
    ("customer", "Tack, allt har kommit fram!", "told_problem", None),
    ("customer", "Du kunde väl ha frågat först?", "corrects_staff", "frågat först"),
])
def test_the_swedish_signals(signals, side, text, signal, found):
    hits = signals.customer(text) if side == "customer" else signals.match(side, signals.nlp(text))
    texts = [h.text.lower() for h in hits.get(signal, ())]
    assert (found in " ".join(texts)) if found else not texts, hits


def test_a_complaint_is_told_by_its_lemmas():
    detector = shared_detector(language="sv")
    complaints = ComplaintDetector(detector.nlp, "sv", detector.reader)
    for text in ("Paketet har fortfarande inte kommit, det är oacceptabelt!", "Ni har dragit pengarna två gånger.",
                 "Jag är väldigt besviken på er service.", "Jag vill ha tillbaka mina pengar."):
        assert complaints.is_complaint(text), text
    for text in ("Inga problem!", "Tack, allt kom fram, ha en bra dag", "Vilka öppettider har ni i helgen?"):
        assert not complaints.is_complaint(text), text


SIGNED = "Hej,\n\nTack för mejlet. Vi har skickat fakturan nu.\n\n"


@pytest.mark.parametrize("signoff, names_the_team", [
    ("Mvh Lina", False), ("Hälsningar\nElin Svensson", False), ("Mvh", False), ("Med vänlig hälsning", False),
    ("Mvh Kundtjänst", True), ("Vänliga hälsningar\nElin, Kundservice", True)])
def test_a_signoff_that_names_a_person_or_nobody_is_no_self_identification(signoff, names_the_team):
    """behaviors.md: a signature naming the team or company is self-identification, a bare name is not; the learned
    model reads both as one (coach/detect/signoff.py takes its tag back on the first kind)."""
    got = shared_detector((), "sv").detect(SIGNED + signoff).behaviors
    assert ("self_identification" in got) is names_the_team, got


def test_a_signoff_check_needs_the_languages_lists():
    from spacy.lang.sv import Swedish

    from coach.detect.signoff import names_a_person_only

    lists = load_lexicon("sv").lists
    doc = Swedish()("Vänliga hälsningar Karin")
    assert names_a_person_only(doc[:], lists)
    assert not names_a_person_only(doc[:], {})  # a language without sign-off words: never
    assert not names_a_person_only(Swedish()("Karin på växeln")[:], lists)  # not a sign-off
    assert not names_a_person_only(Swedish()("Mvh Karin Berg Kundservice Syd")[:], lists)  # more than a name
