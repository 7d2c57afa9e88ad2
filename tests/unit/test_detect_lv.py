"""Latvian, added as data (coach/detect/lexicons/lv/), as Swedish was, with simplemma: one cue matches every form of
its words the table knows, a negated verb keeps its «ne» («nevaram» is never «varam»), the forms that say more than
their lemma are kept as written (the imperatives, the first-person future, «saprotu»), hurried spellings without long
marks read as the words they stand for, the wordings that take a cue back are not tagged, each tag has pass and fail
replies (detect_fixtures/lv/<tag>.yml), and a reply's language is told from its words: Latvian from English and
Swedish (the same script) also when the Latvian is full of English loanwords or typed without long marks.

These test the cues alone (Detector(model=False)); the shared detector adds the learned model (models/lv.npz)."""

import json

import pytest

from coach.detect import Detector, shared_detector
from coach.detect.customer import ComplaintDetector
from coach.detect.languages import guess_language, languages, message_language
from coach.detect.learned import MODEL_DIR
from coach.detect.lexicon import load_lexicon
from coach.detect.morph import dictionary_word, lemmatizer, matches_on_lemmas
from coach.detect.signals import SignalMatcher, signal_names
from tests.unit.detect_cases import fixture_cases, fixture_files

FILES = fixture_files("lv")
CASES = fixture_cases(FILES, "lv")


@pytest.fixture(scope="module")
def rules():
    return Detector(language="lv", model=False)


def test_every_tag_has_pass_and_fail_replies():
    for tag, data in FILES.items():
        assert data["tag"] == tag and len(data["pass"]) >= 8 and len(data["fail"]) >= 6, tag


@pytest.mark.parametrize("tag, kind, case", CASES)
def test_fixture(rules, tag, kind, case):
    got = rules.detect(case["text"], case.get("customer")).behaviors
    assert (tag in got) == (kind == "pass"), f"{case['text']!r} -> {got}"


def test_latvian_is_lemmatised_by_simplemma_and_keeps_its_negation():
    lexicon = load_lexicon("lv")
    assert lexicon.resolvers == "cues" and lexicon.lemmatizer == "simplemma" and matches_on_lemmas(lexicon)
    assert lexicon.negation_prefix == "ne"
    lemma = lemmatizer("lv")
    assert lemma("nevaram") == lemma("nevarēsim") == lemma("nevar") == "nevarēt"  # the table's «varēt», negated
    assert lemma("atvainojos") == lemma("atvainojamies") == "atvainoties"
    assert lemma("palīdzēt") == lemma("palīdzu") == "palīdzēt"


def test_the_kept_forms_say_what_their_lemma_does_not(rules):
    lemma = lemmatizer("lv")
    # the modal: «mēs varam» offers, «tas var palīdzēt» is no offer
    assert lemma("varam") == "varam" and lemma("var") == "var"
    # the imperative instructs, the infinitive after «nevaram» refuses; the first-person future commits
    assert lemma("restartējiet") == "restartējiet" and lemma("atmaksāsim") == "atmaksāsim"
    # «saprotu» understands the customer, «saprotat?» doubts them
    assert lemma("saprotu") == "saprotu" and lemma("saprotat") == "saprast"
    # the table writes some infinitives with «ne» («apmainīt» as «neapmainīt»)
    assert lemma("apmainīt") == "apmainīt" and lemma("neapmainām") != lemma("apmainīt")
    assert "offer_help" not in rules.detect("Restartēšana var palīdzēt, ja savienojums pazūd.").behaviors
    assert "negative_phrasing" not in rules.detect("Varam apmainīt bez maksas.").behaviors
    assert "solution" not in rules.detect("Diemžēl nevaram to atmaksāt.").behaviors


def test_one_cue_matches_every_form_of_its_words(rules):
    """The lexicon says «atvainojos» and «līdzjūtība» once each."""
    for text in ("Atvainojamies par kavēšanos.", "Es atvainojos.", "Izsakām līdzjūtību."):
        assert "apology" in rules.detect(text).behaviors, text


@pytest.mark.parametrize("text, tag, present", [
    # the keyword traps the brief names, both ways
    ("Nav problēmu!", "negative_phrasing", False),
    ("Neuztraucieties, mēs to nokārtosim.", "negative_phrasing", False),
    ("Neuztraucieties, mēs to nokārtosim.", "offer_help", True),
    ("Paldies, ka sazinājāties, diemžēl ar to nevaram palīdzēt, jauku dienu", "dismissive", True),
    ("Jūs pats ievadījāt nepareizu adresi.", "blame", True),
    ("Kurjers atkal sajauca.", "blame", True),
    ("Tā nav mūsu atbildība.", "dismissive", True),
    ("Vērsieties pie ražotāja.", "dismissive", True),
    ("Viss ir rakstīts mājaslapā.", "dismissive", True),
    ("Kā jau teicu, atmaksa aizņem piecas dienas.", "rude", True),
    ("Vai Jūs vispār izlasījāt?", "rude", True),
    ("Vai Jūs vispār izlasījāt?", "information_request", False),
    ("Nomierinieties.", "rude", True),
    ("Klausies, es tev jau teicu.", "rude", True),
    ("Sveiks, kā tev varu palīdzēt?", "rude", False),
    ("Garantēti rīt būs pie Jums.", "risky_promise", True),
    ("Apsolu, ka tas neatkārtosies.", "risky_promise", True),
    ("100% rīt pienāks.", "risky_promise", True),
    ("Diemžēl nevaram garantēt piegādes laiku.", "risky_promise", False),
    ("Vai drīkstu Jūs uz brīdi ielikt gaidīšanas režīmā?", "hold_or_transfer", True),
    ("Pārslēdzu Jūs uz tehnisko atbalstu.", "hold_or_transfer", True),
    ("Atvienojiet rūteri un uzgaidiet minūti.", "hold_or_transfer", False),
    ("Kurjers Jums piezvanīs rīt līdz 12:00.", "next_steps", True),
    ("Kurjers piezvanīja vakar.", "next_steps", False),
    # a first name alone signs nothing, a team or a company identifies; «Ar cieņu» alone closes nothing
    ("Labdien, Tet klientu serviss, Ilze.", "self_identification", True),
    ("Rēķins ir izlabots.\n\nAr cieņu,\nIlze", "self_identification", False),
    ("Rēķins ir izlabots.\n\nAr cieņu,\nIlze", "closing", False),
    ("Rēķins ir izlabots.\n\nAr cieņu,\nIlze Ozola\nTet klientu serviss", "self_identification", True),
])
def test_a_cue_and_the_wordings_that_take_it_back(rules, text, tag, present):
    assert (tag in rules.detect(text).behaviors) is present, rules.detect(text).behaviors


def test_the_dictionary_tells_a_shouted_word_from_an_abbreviation(rules):
    known = dictionary_word("lv")
    assert known("atbildēju") and not known("wms")
    det = rules.detect("Es JAU ATBILDĒJU, pasūtījums stāv WMS.")
    assert "rude" in det.behaviors and "jargon" in det.behaviors
    assert [e.text for e in det.spans_of("jargon")] == ["WMS"]


def test_hurried_spellings_read_as_words(rules):
    for text, tag in (("Ludzu, atsutiet pasutijuma numuru.", "information_request"),
                      ("Diemzel nevaram to apmainit.", "negative_phrasing"),
                      ("Piezvanisim rit pecpusdiena.", "next_steps"), ("Thx par pacietibu!", "thanks"),
                      ("Sorri par kavesanos!", "apology"), ("Ka varu palidzet?", "offer_help")):
        assert tag in rules.detect(text).behaviors, text
    lemma = lemmatizer("lv")
    assert rules.nlp("ludzu diemzel")[0].norm_ == lemma("lūdzu")
    assert [t.norm_ for t in rules.nlp("jusu rekinu")] == [lemma("jūsu"), lemma("rēķinu")]


def test_every_tag_points_at_words_of_the_reply(rules):
    text = "Labdien, mani sauc Ilze! Saprotu Jūsu neapmierinātību: tehniķis Jums piezvanīs rīt līdz 12:00."
    det = rules.detect(text, "Kur ir mans pasūtījums? Gaidu jau divas nedēļas!")
    assert {"greeting", "self_identification", "empathy", "next_steps"} <= set(det.behaviors)
    for e in det.spans:
        assert text[e.start:e.end] == e.text and e.text.strip()


def test_the_shared_detector_has_the_latvian_model_and_the_cues_read_a_reply_alone(rules):
    # models/lv.npz is there since the Latvian model was trained; the cues alone still read a reply
    assert (MODEL_DIR / "lv.npz").exists()
    assert shared_detector(language="lv").model is not None and rules.model is None
    assert "apology" in rules.detect("Atvainojos par kavēšanos!").behaviors


@pytest.mark.parametrize("text, language", [
    ("Labdien! Paldies, ka sazinājāties. Jūsu pasūtījums ir ceļā un rīt būs pie Jums.", "lv"),
    ("Paldies!", "lv"),
    ("Jauku dienu!", "lv"),
    ("Priecīgus svētkus!", "lv"),  # no common word: its letters (ī, ē) are no English or Swedish word's
    # English loanwords in Latvian chat do not make it English
    ("Sorry par kavēšanos, ok, nosūtīšu linku asap!", "lv"),
    ("Sveiki, ok, links ir te, sorry!", "lv"),
    # typed without long marks and soft signs
    ("Ludzu atsutiet pasutijuma numuru, parbaudisim.", "lv"),
    ("Diemzel nevaram palidzet, sazinieties ar banku.", "lv"),
    # English, Swedish, Russian, Ukrainian
    ("Hello! Your parcel is on its way and should arrive tomorrow.", "en"),
    ("Thanks, I'll check with the warehouse and get back to you.", "en"),
    ("No problem, I'll fix it.", "en"),
    ("Check DNS", "en"),
    ("Hej! Tack för att du hörde av dig. Din beställning är på väg och kommer i morgon.", "sv"),
    ("Om ett par dagar kommer den.", "sv"),
    ("Tyvarr ar den slut, men vi far in fler nasta vecka", "sv"),
    ("Hejdå!", "sv"),
    ("Здравствуйте! Ваш заказ уже в пути, курьер привезёт его завтра.", "ru"),
    ("Добрий день! Дякуємо, що звернулися.", "uk"),
])
def test_the_language_is_told_from_its_words_and_letters(text, language):
    assert message_language(text) == language


def test_latvian_is_one_of_the_languages():
    assert languages()[0] == "en" and "lv" in languages()
    assert guess_language("Paldies par pacietību, nauda būs kontā rīt!") == "lv"
    assert guess_language("Tere! Kuidas saan teid täna aidata?") == "en"  # Estonian: no folder, the default


@pytest.mark.parametrize("text, read_as, warned", [
    ("Labdien! Atvainojamies par kavēšanos, atmaksa tiks veikta rīt.", "en", True),
    ("Labdien! Atvainojamies par kavēšanos, atmaksa tiks veikta rīt.", "sv", True),
    ("Sveiki! Diemzel nevaram palidzet, sazinieties ar banku lūdzu.", "sv", True),
    ("Thank you for waiting, your refund will be processed tomorrow.", "lv", True),
    ("Hej! Förlåt för förseningen, vi har skickat din beställning idag.", "lv", True),
    ("Спасибо, ждите звонка курьера завтра до обеда", "lv", True),
    # read by their own detector: no warning, loanwords included
    ("Labdien! Atvainojamies par kavēšanos, atmaksa tiks veikta rīt.", "lv", False),
    ("Sorry par kavēšanos, ok, nosūtīšu linku asap un piezvanīšu rīt!", "lv", False),
    ("Thank you for waiting, your refund will be processed tomorrow.", "en", False),
])
def test_a_reply_in_another_language_is_flagged_not_scored_silently(rules, text, read_as, warned):
    detector = rules if read_as == "lv" else shared_detector(language=read_as)
    det = detector.detect(text)
    assert bool(det.warnings) is warned, det.warnings
    if warned:
        name = {"lv": "Latvian", "sv": "Swedish", "en": "English"}[read_as]
        assert f"does not look like {name}" in det.warnings[0]


def test_coach_tag_reads_each_reply_in_its_language(run_coach):
    lines = [{"id": 1, "text": "Labdien! Atvainojamies, nauda būs Jūsu kontā trīs darba dienu laikā."},
             {"id": 2, "text": "Hi there, sorry about the delay."},
             {"id": 3, "text": "Hej! Vi ber om ursäkt, du får pengarna tillbaka inom tre bankdagar."}]
    proc = run_coach("tag", stdin="\n".join(json.dumps(r, ensure_ascii=False) for r in lines).encode())
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [(o["id"], o["language"]) for o in out] == [(1, "lv"), (2, "en"), (3, "sv")]
    assert {"greeting", "apology", "next_steps"} <= set(out[0]["behaviors"]) and not out[0].get("warnings")


def test_the_signals_have_the_swedish_names():
    """A Latvian standards pack can use the signals a Swedish, Russian or Ukrainian one does."""
    assert signal_names("lv") == signal_names("sv") == signal_names("ru")


@pytest.fixture(scope="module")
def signals(rules):
    return SignalMatcher(rules.nlp, "lv")


@pytest.mark.parametrize("side, text, signal, found", [
    ("staff", "Tehniķis ieradīsies piektdien plkst. 10:00.", "time_given", "piektdien"),
    ("staff", "Jūs saņemsiet īsziņu divu stundu laikā.", "time_given", "divu stundu laikā"),
    ("staff", "Nauda būs kontā 3-5 darba dienu laikā.", "time_given", "3-5 darba dienu laikā"),
    ("staff", "Kurjers būs pie Jums 15. martā.", "time_given", "15. martā"),
    ("staff", "Ar ko vēl varu palīdzēt šodien? Jauku dienu!", "time_given", None),
    ("staff", "Paldies, ka sazinājāties šodien!", "time_given", None),
    ("staff", "Cerams, rīt.", "time_given", None),
    ("staff", "Uzrakstiet mums privātā ziņā, lūdzu.", "move_private", "privātā ziņā"),
    ("staff", "Rakstiet mums, lūdzu, uz e-pastu.", "move_private", "uz e"),
    ("staff", "Lūdzu, norādiet pasūtījuma numuru.", "personal_data", "pasūtījuma numuru"),
    ("staff", "Kāds ir Jūsu tel. nr.?", "personal_data", "tel. nr"),
    ("staff", "Jūsu personas kods 123456-12345 ir pareizs.", "shows_personal_data", "123456-12345"),
    ("staff", "Jūsu numurs ir +371 29 123 456, vai tā ir?", "shows_personal_data", "+371 29 123 456"),
    ("staff", "Mūsu tālrunis ir 67000000 vai 8000 1234.", "shows_personal_data", None),
    ("staff", "Lūdzu, norādiet kartes numuru un CVV.", "card_secret", "cvv"),
    ("staff", "Mēs nekad neprasām Jūsu PIN kodu.", "card_secret", None),
    ("staff", "Pastāstiet, lūdzu, kas noticis.", "asks_problem", "kas noticis"),
    ("customer", "Veļas mašīna neieslēdzas un atnāca nepareiza krāsa.", "told_problem", "neieslēdzas"),
    ("customer", "Paldies, viss atnāca!", "told_problem", None),
    ("customer", "Jūs varējāt vispirms pajautāt!", "corrects_staff", "pajautāt"),
    ("customer", "Tas ir dārgāk, nekā es teicu.", "corrects_staff", "nekā es teicu"),
])
def test_the_latvian_signals(signals, side, text, signal, found):
    hits = signals.customer(text) if side == "customer" else signals.match(side, signals.nlp(text))
    texts = [h.text.lower() for h in hits.get(signal, ())]
    assert (found.lower() in " ".join(texts)) if found else not texts, hits


def test_a_complaint_is_told_by_its_lemmas(rules):
    complaints = ComplaintDetector(rules.nlp, "lv", rules.reader)
    for text in ("Paka joprojām nav atnākusi, tas ir nepieņemami!", "Jūs noņēmāt naudu divreiz.",
                 "Esmu ļoti vīlusies jūsu servisā.", "Gribu atpakaļ savu naudu.", "Cik ilgi man vēl jāgaida?"):
        assert complaints.is_complaint(text), text
    for text in ("Nav problēmu!", "Paldies, viss atnāca, jauku dienu", "Kāds ir jūsu darba laiks brīvdienās?"):
        assert not complaints.is_complaint(text), text
