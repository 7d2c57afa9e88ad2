"""The behaviour featurizer reads each message with the detector of its language, so the model's behaviour
features mean the same in every language. No trained model needed: the featurizer is not trainable."""

from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import INDEX, BehaviourFeaturizer
from bot.payload_guard import PAYLOAD_GUARD


def features(text):
    message = Message(data={TEXT: text})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    BehaviourFeaturizer({**BehaviourFeaturizer.get_default_config()}, "behaviours").process([message])
    seq, sent = message.get_sparse_features(TEXT)
    return seq.features.toarray(), sent.features.toarray()[0]


def lit(sentence):
    return {tag for tag, col in INDEX.items() if sentence[col]}


def test_a_russian_apology_gets_the_apology_feature_from_the_russian_detector():
    from coach.detect import shared_detector

    text = "Извините, пожалуйста, за задержку заказа."
    seq, sent = features(text)
    assert "apology" in lit(sent)
    assert lit(sent) == set(shared_detector(language="ru").detect(text).behaviors)
    assert seq[0, INDEX["apology"]] == 1.0  # the token «Извините,» shows it
    assert seq[-1, INDEX["apology"]] == 0.0


def test_the_same_behaviour_lights_the_same_column_in_english_and_russian():
    assert "thanks" in lit(features("Спасибо за ожидание!")[1])
    assert "thanks" in lit(features("Thank you for waiting!")[1])
    assert "apology" in lit(features("Sorry for the delay.")[1])


def test_the_payload_guard_does_not_hide_the_language():
    _, sent = features(PAYLOAD_GUARD + "/ Извините за ожидание")
    assert "apology" in lit(sent)


def test_a_message_too_short_for_the_common_words_goes_by_its_alphabet():
    from coach.detect.languages import message_language

    assert message_language("Удачных выходных, Анна!") == "ru"
    assert message_language("Проверьте DNS на роутере") == "ru"
    assert message_language("Have a good one!") == "en"
    assert message_language("👍") == "en"
