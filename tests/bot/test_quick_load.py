"""bot/quick_load.py: the Rasa server's quick model loading predicts exactly what Rasa's own loading does."""

import json
import subprocess
import sys

import pytest

from ops.servers import ROOT, _env, train

pytestmark = pytest.mark.servers  # loads the trained Rasa model (twice)

PARSE = """
import asyncio, json, sys
from rasa.core.agent import load_agent
from rasa.utils.tensorflow.models import RasaModel
from bot.quick_load import install
texts = json.loads(sys.stdin.read())
async def parse(how):
    rasas = RasaModel.__dict__["load"]  # the classmethod itself, not bound to RasaModel
    if how == "quick":
        assert install()
    try:
        agent = await load_agent(model_path=sys.argv[1])
    finally:
        RasaModel.load = rasas
    out = []
    for text in texts:
        r = await agent.parse_message(text)
        out.append({"intent": r["intent"]["name"], "confidence": r["intent"]["confidence"],
                    "ranking": [(i["name"], i["confidence"]) for i in r["intent_ranking"]],
                    "entities": [(e["entity"], e["start"], e["end"], e["value"]) for e in r["entities"]]})
    return out
print(json.dumps({how: asyncio.run(parse(how)) for how in ("quick", "rasa")}))
"""

TEXTS = ["Hi there, good morning!", "Brightwater customer care, you're speaking with Hannah.",
         "I'm so sorry about the delay, I'll refund the £54.99 today.",
         "You should have read the terms before ordering.",
         "Your order ABC-12345 will be with you by 5pm tomorrow.",
         "ok", "Calm down, it's not a big deal.", "Could you give me your order number, Mrs Patel?"]


def test_the_quick_load_gives_the_same_intents_confidences_and_entities():
    """Both loadings in one process, one after the other (Rasa's own load put back in between)."""
    model = train(quiet=True)
    proc = subprocess.run([sys.executable, "-c", PARSE, str(model)], input=json.dumps(TEXTS), cwd=ROOT,
                          env=_env({}), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    parsed = json.loads(proc.stdout.strip().splitlines()[-1])
    quick, rasas = parsed["quick"], parsed["rasa"]
    assert quick == rasas
    assert {r["intent"] for r in quick} >= {"greeting", "apology", "blame", "next_steps"}
    assert any(r["entities"] for r in quick)
