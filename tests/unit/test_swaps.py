"""A substitution standard's swaps (a poor phrase and the better wording the scorecard puts in its place): the words
of a reply get one suggestion however many swaps find them, in the form typed where the pack writes one, and the
reply with the swap applied reads as a sentence: no «??», «..» or «?.», a capital where the sentence starts. `coach
standards check` names two standards that swap the same words, whose second swap would never be shown."""

import re
import shutil
from types import SimpleNamespace

import pytest

from coach.standards import DEFAULT_PACK, Scorer, load_pack, pack_folder
from coach.standards.checks import Finding, apply_swap
from coach.standards.engine import one_swap_per_words
from coach.standards.pack import pack_languages
from coach.standards.suggestions import swap_problems
from coach.transcript import parse_transcript

PACKS = {language: load_pack(pack_folder(language)) for language in pack_languages()}
# a sentence end followed by another mark: what a swap must not leave where the reply had none
DOUBLED = re.compile(r"[.!?…]\s*[.!?…,;:]")


@pytest.fixture(scope="module")
def scorer_of():
    made = {}

    def get(language):
        if language not in made:
            made[language] = Scorer(PACKS[language], situations={})
        return made[language]

    return get


def _card(scorer, text):
    return scorer.score(parse_transcript({"channel": "chat", "turns": [
        {"speaker": "customer", "text": "Hello."}, {"speaker": "staff", "text": text}]}, where="test"))


def _swaps(card):
    """(standard, the words it swaps, the reply with the swap applied) for every swap finding."""
    return [(f.rule, f.span["text"], f.fix) for f in card.findings if f.fix is not None]


# -- the reply with the swap applied ---------------------------------------------------------------------------

@pytest.mark.parametrize("reply,said,better,fixed", [
    # the reply's sentence ends after the words: the better wording's own mark ends it (a question stays one)
    ("What's the problem?", "What's the problem", "How can I help?", "How can I help?"),
    ("What's the problem?!", "What's the problem", "How can I help?", "How can I help?"),
    ("Šī prece ir izpārdota.", "ir izpārdota", "atkal būs pēc divām nedēļām. Vai paziņot Jums, kad tā pienāks?",
     "Šī prece atkal būs pēc divām nedēļām. Vai paziņot Jums, kad tā pienāks?"),
    ("You order so little.", "You order so little", "Our volume discount starts at a larger order size.",
     "Our volume discount starts at a larger order size."),
    # the reply goes on after a comma: the better wording's sentence ends there, and what follows starts one
    ("We never do that, sorry.", "We never do that", "I'll do my best for you.", "I'll do my best for you. Sorry."),
    ("Я этим не занимаюсь, курьерами у нас другие люди заведуют.", "Я этим не занимаюсь",
     "Этим занимается мой коллега, давайте я вас с ним свяжу?",
     "Этим занимается мой коллега, давайте я вас с ним свяжу? Курьерами у нас другие люди заведуют."),
    # the reply's sentence goes on with a word: the better wording's final mark gives way
    ("What is the problem this time?", "What is the problem", "How can I help?", "How can I help this time?"),
    # a better wording without a final mark keeps the reply's
    ("Vai tas ir problēmu?", "problēmu", "jautājumu", "Vai tas ir jautājumu?"),
    # a better wording that starts the reply's sentence starts with a capital; within a sentence it is kept as written
    ("Nav problēmu, es to apmainīšu.", "Nav problēmu", "labprāt", "Labprāt, es to apmainīšu."),
    ("Paldies! Jūs esat spiests aizpildīt veidlapu.", "Jūs esat spiests", "lūdzu, Jums vajadzēs",
     "Paldies! Lūdzu, Jums vajadzēs aizpildīt veidlapu."),
    ("Atvainojiet, es nezinu, kad tā pienāks.", "es nezinu", "es noskaidrošu",
     "Atvainojiet, es noskaidrošu, kad tā pienāks."),
])
def test_a_swap_applied_never_doubles_punctuation(reply, said, better, fixed):

    start = reply.index(said)
    assert apply_swap(reply, start, start + len(said), better) == fixed


@pytest.mark.parametrize("language,reply,fixed", [
    ("en", "What's the problem?", "How can I help?"),
    ("lv", "Kas atkal noticis?", "Kā varu Jums palīdzēt?"),
    ("lv", "Diemžēl tās nav noliktavā.",
     "Diemžēl tās atkal būs noliktavā pēc aptuveni divām nedēļām. Vai paziņot Jums, kad prece pienāks?"),
])
def test_the_scorecards_fix_has_one_mark_where_the_reply_had_one(scorer_of, language, reply, fixed):
    assert [fix for _rule, _words, fix in _swaps(_card(scorer_of(language), reply))] == [fixed]


def test_no_fix_of_a_packs_failing_example_doubles_punctuation(scorer_of):
    for language, pack in PACKS.items():
        for rule in pack.rules:
            if rule.type != "substitution":
                continue
            for example in rule.examples["fail"]:
                if not isinstance(example, str) or DOUBLED.search(example):
                    continue
                for _rule, _words, fix in _swaps(_card(scorer_of(language), example)):
                    assert not DOUBLED.search(fix), (language, rule.id, example, fix)


# -- one suggestion for the words of a reply -----------------------------------------------------------------

@pytest.mark.parametrize("language,reply,swapped", [
    # PH016 («what is the problem») holds PH031's «problem»: the longer, the whole question, is the one shown
    ("lv", "Kas par problēmu?", [("PH016", "Kas par problēmu", "Kā varu Jums palīdzēt?")]),
    ("ru", "В чём проблема?", [("PH016", "В чём проблема", "Чем могу помочь?")]),
    ("sv", "Vad är problemet?", [("PH016", "Vad är problemet", "Vad kan jag hjälpa dig med?")]),
])
def test_words_two_standards_swap_get_the_longer_swap_alone(scorer_of, language, reply, swapped):
    card = _card(scorer_of(language), reply)
    assert _swaps(card) == swapped
    assert "PH031" not in card.missed, "the words PH016 swaps are not charged again as PH031's"


@pytest.mark.parametrize("reply,swapped", [
    ("Nav problēmu, es to apmainīšu.", [("PH031", "Nav problēmu", "Labprāt, es to apmainīšu.")]),
    ("Zilie krēsli ir izpārdoti.", [("PH005", "ir izpārdoti", "Zilie krēsli atkal būs mūsu veikalā pēc aptuveni "
                                    "divām nedēļām. Vai paziņot Jums, kad prece pienāks?")]),
])
def test_overlapping_swaps_of_one_standard_are_one_finding(scorer_of, reply, swapped):
    """«nav problēmu» holds «problēmu», «ir izpārdoti» holds «izpārdoti»: one finding, charged once."""
    card = _card(scorer_of("lv"), reply)
    assert _swaps(card) == swapped
    assert not any(" times " in line for line in card.explanation), card.explanation


def test_one_swap_per_words_keeps_the_longer_then_the_severer_then_the_first_in_the_pack():
    """The rule a trainer can check: of the swaps that find overlapping words of one reply, the one that finds more
    of it; of two that find the same words, the severer standard's; then the one that comes first in the pack."""

    def rule(rid, severity):
        return SimpleNamespace(id=rid, type="substitution", severity=severity)

    def found(r, turn, start, end):
        return Finding(rule=r.id, severity=r.severity, category="phrasing", message="", turn=turn,
                       span={"start": start, "end": end, "text": "x" * (end - start)}, fix="the reply, swapped")

    a, b, c = rule("PH001", "info"), rule("PH002", "minor"), rule("PH003", "minor")
    longer, inside, apart, other_turn = found(a, 1, 0, 12), found(b, 1, 4, 12), found(b, 1, 20, 25), found(b, 3, 4, 12)
    assert one_swap_per_words([(a, [longer]), (b, [inside, apart, other_turn])]) == \
        [(a, [longer]), (b, [apart, other_turn])]
    across = found(b, 1, 10, 16)  # overlaps the longer one's end
    assert one_swap_per_words([(a, [longer]), (b, [across])]) == [(a, [longer]), (b, [])]
    same = found(a, 1, 0, 8), found(b, 1, 0, 8)
    assert one_swap_per_words([(a, [same[0]]), (b, [same[1]])]) == [(a, []), (b, [same[1]])]
    same = found(b, 1, 0, 8), found(c, 1, 0, 8)
    assert one_swap_per_words([(b, [same[0]]), (c, [same[1]])]) == [(b, [same[0]]), (c, [])]
    # what is not a swap is left as it is: None (does not apply), [] (met), an avoid standard's findings
    avoid = SimpleNamespace(id="PH010", type="avoid", severity="major")
    flagged = found(avoid, 1, 0, 12)
    assert one_swap_per_words([(avoid, [flagged]), (b, [inside]), (c, None)]) == \
        [(avoid, [flagged]), (b, [inside]), (c, None)]


def test_every_packs_failing_examples_get_one_suggestion_for_each_of_their_words(scorer_of):
    for language, pack in PACKS.items():
        for rule in pack.rules:
            if rule.type != "substitution":
                continue
            for example in rule.examples["fail"]:
                if not isinstance(example, str):
                    continue
                spans = sorted((f.span["start"], f.span["end"]) for f in _card(scorer_of(language), example).findings
                               if f.fix is not None)
                assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), \
                    (language, rule.id, example, spans)


# -- the form typed ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("language,reply,fixed", [
    # a language matched on lemmas finds every form by one phrase; the form typed gets the swap written for it
    ("sv", "Tyvärr är den slutsåld.", "Tyvärr är den tillbaka om ungefär två veckor. Vill du att vi hör av oss när den "
     "kommer in?"),
    ("sv", "Tyvärr är det slutsålt.", "Tyvärr är det tillbaka om ungefär två veckor. Vill du att vi hör av oss när det "
     "kommer in?"),
    ("sv", "Tyvärr är de slutsålda.", "Tyvärr är de tillbaka om ungefär två veckor. Vill du att vi hör av oss när de "
     "kommer in?"),
    ("ru", "Мелкий клиент подождёт.", "Клиент с вашим объёмом подождёт."),
    ("ru", "Мелкие клиенты подождут.", "Клиенты с вашим объёмом подождут."),
])
def test_the_form_typed_picks_the_swap_written_for_it(scorer_of, language, reply, fixed):
    assert [fix for _rule, _words, fix in _swaps(_card(scorer_of(language), reply))] == [fixed]


# -- the pack check ---------------------------------------------------------------------------------------

@pytest.fixture
def pack_copy(tmp_path):
    dst = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, dst)
    return dst


def _add_swap(folder, rule_id, phrase, better):
    path = next((folder / "rules").rglob(f"{rule_id}-*.yml"))
    text = path.read_text()
    path.write_text(text.replace("swap:\n", f"swap:\n  {phrase!r}: {better!r}\n", 1))
    return path


def test_the_pack_check_names_two_standards_that_swap_the_same_words(pack_copy, run_coach):

    path = _add_swap(pack_copy, "PH016", "I don't know", "How can I help?")
    problems = swap_problems(Scorer(load_pack(pack_copy), situations={}))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:")
    assert "PH002" in problems[0] and "PH016" in problems[0] and "\"I don't know\"" in problems[0]
    ran = run_coach("standards", "check", str(pack_copy))
    assert ran.returncode == 2 and "PH016" in ran.stderr.decode()


def test_the_pack_check_names_one_standards_two_swaps_for_the_same_words(pack_copy):

    _add_swap(pack_copy, "PH002", "I DON'T KNOW", "Let me check.")
    problems = swap_problems(Scorer(load_pack(pack_copy), situations={}))
    assert len(problems) == 1 and "PH002" in problems[0] and "\"I DON'T KNOW\"" in problems[0], problems


@pytest.mark.parametrize("language", pack_languages())
def test_no_two_swaps_of_a_pack_find_the_same_words(scorer_of, language):

    assert swap_problems(scorer_of(language)) == []


# -- the Latvian «nav iespējams» ---------------------------------------------------------------------------

@pytest.mark.parametrize("reply,fixed", [
    ("Šodien piegādāt nav iespējams.", "Šodien piegādāt neizdosies, bet varu Jums piedāvāt citu risinājumu."),
    ("Diemžēl tas nav iespējams.", "Diemžēl tas neizdosies, bet varu Jums piedāvāt citu risinājumu."),
])
def test_the_latvian_swap_for_nav_iespejams_reads_as_latvian(scorer_of, reply, fixed):
    """What cannot be done comes before «nav iespējams» in a Latvian reply («šodien piegādāt», «tas»), so the swap
    is a predicate for it, with the offer after: «varu piedāvāt citu iespēju» put there made «Šodien piegādāt varu
    piedāvāt citu iespēju», no sentence."""
    assert [(r, fix) for r, _words, fix in _swaps(_card(scorer_of("lv"), reply))] == [("PH030", fixed)]


@pytest.mark.parametrize("language,reply,fixed", [
    # the Latvian accusative gets «jautājumu» (its adjectives end the same in either gender), the other cases the
    # feminine «situācija», so «šāda», «šīs» and «tā» still agree
    ("lv", "Jūsu problēmu atrisināsim uzreiz.", "Jūsu jautājumu atrisināsim uzreiz."),
    ("lv", "Šāda problēma mums jau ir bijusi, tagad tā ir novērsta.",
     "Šāda situācija mums jau ir bijusi, tagad tā ir novērsta."),
    ("lv", "Mēs strādājam pie šīs problēmas.", "Mēs strādājam pie šīs situācijas."),
    # Swedish «problem» is neuter, and so is «ärende»
    ("sv", "Vi löser ditt problem direkt.", "Vi löser ditt ärende direkt."),
    ("sv", "Det problemet har vi haft förut, det är åtgärdat nu.",
     "Det ärendet har vi haft förut, det är åtgärdat nu."),
])
def test_a_swap_for_problem_agrees_with_the_words_around_it(scorer_of, language, reply, fixed):
    assert [(r, fix) for r, _words, fix in _swaps(_card(scorer_of(language), reply))] == [("PH031", fixed)]


# -- Russian, Ukrainian and Swedish swaps read as their language where they are put ----------------------------

@pytest.mark.parametrize("language,reply,fixed", [
    # PH030: what cannot be done stays in the reply. After «я не могу» it follows, and the swap offers something else
    # first and keeps it as the reason («Я могу предложить поменять дату доставки» offered the very thing refused);
    # without the pronoun, and after «не получится», it comes first, and the swap is a predicate for it
    ("ru", "Я не могу поменять дату доставки.",
     "Я могу предложить вам другой вариант, так как у меня нет возможности поменять дату доставки."),
    ("ru", "Вернуть деньги на другую карту не можем.",
     "Вернуть деньги на другую карту не имеем возможности, но можем предложить другой вариант."),
    ("ru", "Сегодня доставить не получится.", "Сегодня доставить возможности нет, но могу предложить другой вариант."),
    ("ru", "Ничем не могу помочь.", "Могу предложить вам другой вариант."),
    # PH031: the words around a feminine «проблема» agree with what is said instead («вашу вопрос» was no Russian)
    ("ru", "Сейчас решим вашу проблему.", "Сейчас решим ваш вопрос."),
    ("ru", "С этой проблемой к нам уже обращались, её исправили.",
     "С этой ситуацией к нам уже обращались, её исправили."),
    ("ru", "У нас были проблемы с телефонией.", "У нас были сложности с телефонией."),
    # PH005: what is out of stock stands before «нет в наличии» in the genitive, which «будет в наличии» cannot follow
    ("ru", "Извините, этого товара нет в наличии.", "Извините, этого товара пока нет, но новая партия придёт примерно "
     "через две недели. Хотите, мы сообщим вам, когда она поступит?"),
    # PH008: the phrase carries what the wording needs («Вы так Скидка за объём ... . Что скидки ...» was none)
    ("ru", "Вы так мало заказываете, что скидки вам не положено.",
     "Вы заказываете пока меньше порога скидки за объём, поэтому скидки вам не положено."),
    # a whole sentence said within one keeps its small letter
    ("ru", "Извините, это не в моей компетенции.",
     "Извините, давайте я переключу вас на коллегу, который этим занимается?"),
    ("ru", "Ну и какая у вас проблема со счётом?", "Ну и чем могу вам помочь со счётом?"),
    ("ru", "Деньги вернутся сегодня, я обещаю!",
     "Деньги вернутся сегодня, обычно мы укладываемся в срок, а если что-то изменится, я сразу вам сообщу."),
    # Ukrainian, the same way: «Я можу запропонувати змінити дату доставки», «Сьогодні доставити можу запропонувати
    # інший варіант», «вашу питання» were the swaps before
    ("uk", "Я не можу змінити дату доставки.",
     "Я можу запропонувати вам інший варіант, оскільки в мене немає можливості змінити дату доставки."),
    ("uk", "Повернути гроші на іншу картку не можемо.",
     "Повернути гроші на іншу картку не маємо можливості, але можемо запропонувати інший варіант."),
    ("uk", "Сьогодні доставити не вийде.",
     "Сьогодні доставити можливості немає, але можу запропонувати інший варіант."),
    ("uk", "Не можу не порадити саме цей.", "Хочу порадити саме цей."),
    ("uk", "Зараз вирішимо вашу проблему.", "Зараз вирішимо ваше питання."),
    ("uk", "З цією проблемою до нас уже зверталися, її виправили.",
     "З цією ситуацією до нас уже зверталися, її виправили."),
    ("uk", "Вибачте, цього товару немає в наявності.", "Вибачте, цього товару поки немає, але нова партія прийде "
     "приблизно за два тижні. Хочете, ми повідомимо вам, щойно вона надійде?"),
    ("uk", "Ви так мало замовляєте, що знижка вам не належить.",
     "Ви поки що замовляєте менше, ніж потрібно для знижки за обсяг, тому знижка вам не належить."),
    ("uk", "Дрібних клієнтів ми обслуговуємо після великих.",
     "Клієнтів із вашим обсягом ми обслуговуємо після великих."),
    ("uk", "Вибачте, це не в моїй компетенції.",
     "Вибачте, давайте я переключу вас на колегу, який цим займається?"),
    ("uk", "Ну і яка у вас проблема з рахунком?", "Ну і чим можу вам допомогти з рахунком?"),
    # Swedish: «Jag kan erbjuda ändra leveransdatumet» was no Swedish and offered the very thing refused
    ("sv", "Jag kan inte ändra leveransdatumet.",
     "Jag kan erbjuda dig ett annat alternativ, eftersom jag inte har möjlighet att ändra leveransdatumet."),
    ("sv", "Det går inte att leverera i dag.",
     "Jag kan erbjuda dig ett annat alternativ, eftersom det inte går att leverera i dag."),
    ("sv", "Självrisken kan vi inte ta bort, men du kan dela upp den.",
     "Självrisken har vi tyvärr inte möjlighet att ta bort, men du kan dela upp den."),
    ("sv", "Jag kan inte lova att det finns plats, men ring gärna i morgon.",
     "Jag hoppas att det finns plats, men ring gärna i morgon."),
    # a phrase carries what its wording needs, and after a word put first the verb comes second
    ("sv", "Du beställer så lite att du inte har rätt till rabatt.", "Din beställning ligger än så länge under gränsen "
     "för mängdrabatt, vilket gör att du inte har rätt till rabatt."),
    ("sv", "Ärligt talat tjänar vi ingenting på dig.",
     "Ärligt talat börjar vår mängdrabatt vid en större beställning."),
    ("sv", "Förlåt, jag vet inte när den kommer.", "Förlåt, jag ska ta reda på när den kommer."),
    ("sv", "Jag ger dig mitt ord på att det inte händer igen.",
     "Jag ska personligen se till att det inte händer igen."),
    ("sv", "Jaha, och vad har du för problem med fakturan?",
     "Jaha, och vad kan jag hjälpa dig med när det gäller fakturan?"),
    ("sv", "Du missuppfattade mig, budet kommer på fredag.", "Jag förklarar det tydligare, budet kommer på fredag."),
    ("sv", "Vi har haft problem med leveranserna i veckan.", "Vi har haft svårigheter med leveranserna i veckan."),
    # a whole sentence said within one keeps its small letter
    ("sv", "Tyvärr, det är inte min avdelning.",
     "Tyvärr, får jag koppla dig till avdelningen som kan hjälpa dig med det?"),
    ("sv", "Teknikern är hos dig före nio, det garanterar jag.",
     "Teknikern är hos dig före nio, det ska jag göra allt som står i min makt för."),
])
def test_a_swap_reads_as_its_language_where_it_is_put(scorer_of, language, reply, fixed):
    assert [fix for _rule, _words, fix in _swaps(_card(scorer_of(language), reply))] == [fixed]
