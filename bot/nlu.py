"""The behaviour detector of the standards engine as a Rasa NLU featurizer.

DIET gets, beside the words, which behaviours the project's detector finds in the message and which tokens
show them (one sparse feature per behaviour tag, per token and for the whole message). So Rasa's intent and
the scorer's findings rest on the same analysis: the bot and the scorer cannot disagree about what the
trainee did, and Rasa only learns which of the behaviours is the message's main one.

Each message is read by the detector of its own language (`guess_language`, as `coach tag` does), so the
features are language-agnostic: a Russian apology and an English one light the same `apology` column, and one
model serves every language (README, "Languages": the two designs measured).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.payload_guard import restore
from coach.behaviors import TAGS

INDEX = {t: i for i, t in enumerate(TAGS)}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class BehaviourFeaturizer(SparseFeaturizer, GraphComponent):
    """Adds the detector's behaviour tags (with the tokens that show them) as sparse features."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config()}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "BehaviourFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)

    @staticmethod
    def detector(text: Text):
        """The detector of the language `text` is written in (`message_language`); each is built on first use,
        a second once per process, and shared with the rest of the process."""
        from coach.detect import shared_detector
        from coach.detect.languages import message_language

        return shared_detector(language=message_language(text))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._featurize(message)
        return messages

    def _featurize(self, message: Message) -> None:
        text = message.get(TEXT)
        tokens = message.get(TOKENS_NAMES[TEXT])
        if not text or not tokens:
            return
        plain = restore(text)
        shift = len(text) - len(plain)  # the payload guard, if any, shifts the tokens' offsets
        det = self.detector(plain).detect(plain)
        seq = np.zeros((len(tokens), len(TAGS)), dtype=np.float32)
        sent = np.zeros((1, len(TAGS)), dtype=np.float32)
        for ev in det.spans:
            col = INDEX[ev.behavior]
            sent[0, col] = 1.0
            for k, tok in enumerate(tokens):
                if tok.start - shift < ev.end and tok.end - shift > ev.start:
                    seq[k, col] = 1.0
        self.add_features_to_message(sequence=scipy.sparse.coo_matrix(seq), sentence=scipy.sparse.coo_matrix(sent),
                                     attribute=TEXT, message=message)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to configure: the features are the detector's tags."""

