"""Loading the trained DIET model in seconds instead of twenty.

Rasa 3.6 builds a loaded model's weights by fitting it on one example (`RasaModel.load`), and does so in
graph mode: TensorFlow traces the whole training step first, which takes most of the Rasa server's start
(22 s of 27 s on this machine's two cores). The one-example fit only gives the layers their shapes; its
result is overwritten by the trained weights the next moment. `install()` makes that fit run eagerly (no
tracing; about a second) and then puts the model back in graph mode, so prediction is traced and fast as
before. The predictions are the same to the last digit (tests/bot/test_quick_load.py compares them with
Rasa's own loading). Fine-tuning (`rasa train --finetune`) keeps Rasa's own path.

Used by the Rasa server (bot/rasa_server.py) only; `rasa train` and `rasa test` are unchanged.
"""

from __future__ import annotations

SUPPORTED = "3.6."  # the Rasa version whose RasaModel.load this mirrors


def install() -> bool:
    """Replace RasaModel.load for this process; False (nothing changed) on another Rasa version."""
    import rasa
    import tensorflow as tf
    from rasa.utils.tensorflow import models
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

    if not rasa.__version__.startswith(SUPPORTED) or getattr(models.RasaModel.load, "quick", False):
        return False
    rasa_load = models.RasaModel.load.__func__

    def load(cls, model_file_name, model_data_example, predict_data_example=None, finetune_mode=False,
             *args, **kwargs):
        if finetune_mode:  # the optimizer's state matters when training goes on
            return rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                             *args, **kwargs)
        config = kwargs.get("config", {})
        model = cls(*args, **kwargs)
        model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True)
        model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)  # shapes only
        model.load_weights(model_file_name)
        model.run_eagerly = bool(config.get(RUN_EAGERLY))  # back to graph mode for prediction
        if predict_data_example:  # trace prediction now, not on the first trainee's reply
            model.run_inference(predict_data_example)
        return model

    load.quick = True
    models.RasaModel.load = classmethod(load)
    return True
