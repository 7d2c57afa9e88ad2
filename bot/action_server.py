"""The action server: `python -m bot.action_server` (the Procfile's `actions`).

Rasa SDK's own server (`python -m rasa_sdk`) listens on every interface and takes any caller. This one is
the same Sanic app (rasa_sdk.endpoint.create_app) with two differences:
- it listens on COACH_BIND (127.0.0.1 by default), port COACH_ACTION_PORT (5055);
- /webhook and /actions require the token Rasa sends (endpoints.yml `token:`, a `?token=` parameter),
  compared in constant time; /health and /ready stay open for health checks.
When the server starts, a thread builds the detectors and the standards of every language; a turn that comes first
waits for the one it needs. /ready answers 503 until all are built (seconds a language): a load balancer or a
start-up script that waits for it sends no turn that would queue behind the building.
"""

from __future__ import annotations

import hmac
import logging
import threading

from sanic import response

from coach import settings

log = logging.getLogger("bot.action_server")
OPEN_PATHS = {"/health", "/ready"}


def create_app(token: str):
    from rasa_sdk.endpoint import create_app as sdk_app

    app = sdk_app("bot.actions", cors_origins=[])  # no browser ever calls it: no CORS

    @app.listener("after_server_start")
    async def warm_up(_app, _loop):
        from coach import resources

        # in a thread: the server answers its health check at once
        threading.Thread(target=resources.warm_up, name="warm-up", daemon=True).start()

    @app.get("/ready")
    async def ready(_request):
        from coach import resources

        if resources.warmed.is_set():
            return response.json({"ready": True})
        return response.json({"ready": False, "reason": "building the detectors and standards"}, status=503)

    @app.on_request
    async def require_token(request):
        if request.path in OPEN_PATHS:
            return None
        given = request.args.get("token") or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            log.warning("refused a call to %s without the right token (from %s)", request.path, request.ip)
            return response.json({"error": "a valid token is required (COACH_ACTION_TOKEN)"}, status=401)
        return None

    return app


def main():
    settings.private_files()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(settings.action_token())
    host, port = settings.current().bind, settings.current().action_port
    log.info("action server on http://%s:%s (token required)", host, port)
    # one worker: the actions are CPU-bound and the resources are per process; scale with more servers
    app.run(host, port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
