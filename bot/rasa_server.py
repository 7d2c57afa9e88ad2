"""The Rasa server: `python -m bot.rasa_server` (the Procfile's `rasa`).

It is `rasa run --enable-api` with the project's files, run inside this process so that the API token
never appears on a command line (where `ps` would show it to every user of the machine):
- listens on COACH_BIND (127.0.0.1) port COACH_RASA_PORT (5005); the HTTP API requires COACH_RASA_TOKEN;
- the model is COACH_MODEL, else the one trained for the current data and configuration (`make train`);
- endpoints.yml reads the action server, the tracker store and the lock store from the environment,
  which ops/servers.py prepares (`server_env`).
The DIET model loads in seconds rather than twenty (bot/quick_load.py).
Sanic's access log is off: it would write every request's URL, token parameter included, into the log.
Requests are capped at 64 KB (Sanic's REQUEST_MAX_SIZE; 413 beyond): the panel's largest is a 2,000-character
reply, and an oversized body must never reach NLU. The input channel (bot/channels.py) refuses longer
replies, unsigned ones and control characters before NLU.
"""

from __future__ import annotations

import os
import sys

from coach import settings

REQUEST_MAX_SIZE = 64 * 1024  # bytes


def argv(model: str) -> list[str]:
    config = settings.current()
    # one argument "--auth-token=…": a generated token may begin with "-", which argparse would take for an option
    return ["rasa", "run", "--enable-api", f"--auth-token={settings.rasa_token()}", "--model", model,
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
            "--interface", config.bind, "--port", str(config.rasa_port)]


def main():
    from ops.servers import ROOT, model_file

    settings.private_files()
    model = settings.current().model or str(model_file())
    if not os.path.exists(model):
        sys.exit(f"no Rasa model at {model}: train one with `make train` (make run does it for you)")
    os.chdir(ROOT)
    os.environ["SANIC_ACCESS_LOG"] = "false"
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(REQUEST_MAX_SIZE)
    sys.argv = argv(model)
    from rasa.__main__ import main as rasa_main

    from bot.quick_load import install

    install()  # the model loads in seconds (bot/quick_load.py)

    rasa_main()


if __name__ == "__main__":
    main()
