"""The load driver: virtual trainees for the load test (bench/load.py) and its short form in the tests
(tests/system/test_load.py, tests/system/test_scale_out.py).

A virtual trainee does what a trainee does in the panel, through the panel's own client
(bot.client.PracticeClient): picks a scenario, plays one of its scripted conversations (coach/sim/scripts)
reply by reply with a think time between replies, ends the session when the customer has not ended it,
and starts the next, until the deadline (and, with `min_turns`, past it until that many turns were answered, so
that a short run checks the same amount of work however busy the machine is). Every reply's latency, every error
and every text sent is kept, so that afterwards `verify` can check the database: each reply sent and answered is
recorded exactly once, in order, and nothing was recorded that was not sent.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from dataclasses import dataclass, field

from bot.client import PracticeClient, PracticeError
from coach.sim import load_scenarios
from coach.sim.play import load_script


@dataclass
class Tally:
    """What all the virtual trainees did; filled from their threads."""
    latencies_ms: list[float] = field(default_factory=list)  # one per trainee reply or call event answered
    starts_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: dict[int, list[str]] = field(default_factory=dict)  # session id -> staff texts answered, in order
    unanswered: dict[int, list[str]] = field(default_factory=dict)  # session id -> texts whose answer failed
    sessions_done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(self, seconds: float) -> dict:
        lat = sorted(self.latencies_ms)

        def pct(p):
            return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] if lat else float("nan")

        return {"turns": len(lat), "sessions_started": len(self.sent), "sessions_finished": self.sessions_done,
                "errors": len(self.errors), "throughput_per_s": len(lat) / seconds if seconds else 0.0,
                "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": lat[-1] if lat else float("nan"),
                "mean_ms": statistics.fmean(lat) if lat else float("nan"),
                "start_p95_ms": sorted(self.starts_ms)[int(0.95 * (len(self.starts_ms) - 1))] if self.starts_ms
                else float("nan")}


def playable_scenarios() -> list[tuple[str, list]]:
    """(scenario id, script) for every scenario a trainee may start without the hostile opt-in."""
    out = []
    for sid, sc in sorted(load_scenarios().items()):
        if sc.hostility >= 2:
            continue
        for which in ("good", "poor"):
            try:
                out.append((sid, load_script(sid, which)))
            except Exception:  # a scenario without a script is not played
                continue
    return out


@dataclass
class Shift:
    """When the virtual trainees stop: at `deadline` (time.monotonic()), or, while fewer than `min_turns` turns have
    been answered, at `hard_deadline`."""
    deadline: float
    min_turns: int = 0
    hard_deadline: float = 0.0

    def on(self, tally: Tally) -> bool:
        now = time.monotonic()
        return now < self.deadline or (len(tally.latencies_ms) < self.min_turns and now < self.hard_deadline)


def trainee(n: int, person_id: int, rasa_urls: list[str], token: str, shift: Shift, tally: Tally,
            think: tuple[float, float], seed: int = 0, timeout: float = 30.0):
    """One virtual trainee while the shift is on. With several Rasa URLs (replicas), each reply goes to the next one
    in turn, so every conversation moves between replicas all the time."""
    rng = random.Random(seed * 1000 + n)
    plays = playable_scenarios()
    client = PracticeClient(rasa_urls[0], token=token, timeout=timeout)
    turn_no = 0

    def url():
        nonlocal turn_no
        turn_no += 1
        return rasa_urls[turn_no % len(rasa_urls)].rstrip("/")

    while shift.on(tally):
        scenario, script = rng.choice(plays)
        client.rasa_url = url()
        t0 = time.perf_counter()
        try:
            reply = client.start(person_id=person_id, scenario=scenario, seed=rng.randrange(1000))
        except PracticeError as exc:
            with tally.lock:
                tally.errors.append(f"start {scenario}: {exc}")
            time.sleep(rng.uniform(*think))
            continue
        sid = reply["session_id"]
        with tally.lock:
            tally.starts_ms.append((time.perf_counter() - t0) * 1000)
            tally.sent[sid] = []
        for item in script:
            if reply.get("outcome") or not shift.on(tally):
                break
            time.sleep(rng.uniform(*think))
            item = {"text": item} if isinstance(item, str) else item
            client.rasa_url = url()
            t0 = time.perf_counter()
            try:
                reply = client.event(item["event"]) if "event" in item else client.say(item["text"])
            except PracticeError as exc:
                with tally.lock:
                    tally.errors.append(f"session {sid}: {exc}")
                    if "text" in item:
                        tally.unanswered.setdefault(sid, []).append(item["text"])
                break
            ms = (time.perf_counter() - t0) * 1000
            with tally.lock:
                tally.latencies_ms.append(ms)
                if "text" in item:
                    tally.sent[sid].append(item["text"])
        if not reply.get("outcome"):
            try:
                client.rasa_url = url()
                client.end()
            except PracticeError as exc:
                with tally.lock:
                    tally.errors.append(f"end {sid}: {exc}")
                continue
        with tally.lock:
            tally.sessions_done += 1


def run(rasa_urls: list[str], token: str, person_ids: list[int], seconds: float, *,
        think: tuple[float, float] = (3.0, 8.0), seed: int = 0, progress=None, min_turns: int = 0,
        max_seconds: float | None = None) -> tuple[Tally, float]:
    """`len(person_ids)` virtual trainees for `seconds`, and on until `min_turns` turns were answered, for at most
    `max_seconds` in all (default ten times `seconds`); returns the tally and the seconds it really took."""
    tally = Tally()
    started = time.monotonic()
    shift = Shift(started + seconds, min_turns, started + (max_seconds or 10 * seconds))
    threads = [threading.Thread(target=trainee, name=f"trainee-{i}", daemon=True,
                                args=(i, pid, rasa_urls, token, shift, tally, think, seed))
               for i, pid in enumerate(person_ids)]
    for t in threads:
        t.start()
        time.sleep(min(0.2, think[0] / max(1, len(threads))))  # a shift arrives over a few seconds, not at once
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(timeout=5)
            if progress:
                progress(tally, time.monotonic() - started)
    return tally, time.monotonic() - started


def verify(db, tally: Tally) -> list[str]:
    """Compare what was sent with what the database recorded; returns the problems (none is the target).

    For every session: the staff turns recorded are the replies answered, in the same order, each exactly
    once (a reply whose answer failed may be recorded at most once: it was taken or it was not); the turn
    numbers have no gaps; and the customer's recorded words are exactly what the simulator says when the
    recorded staff turns are played again (coach.sim.replay), so no turn is half-recorded and the
    conversation's state was never lost on the way, whichever server handled which turn."""
    from coach.sim import SimulationError
    from coach.sim.customer import replay
    from coach.storage import services as sv

    scenarios = load_scenarios()
    problems = []
    with db.reader() as uow:
        for sid, sent in tally.sent.items():
            turns = sv.session_turns(uow, sid)
            staff = [t["text"] for t in turns if t["speaker"] == "staff"]
            lost = tally.unanswered.get(sid, [])
            if staff != sent and staff != sent + lost[:1]:
                at = next((i for i, (a, b) in enumerate(zip(staff, sent, strict=False)) if a != b),
                          min(len(staff), len(sent)))
                problems.append(f"session {sid}: {len(sent)} replies answered (+{len(lost)} unanswered), "
                                f"{len(staff)} recorded; they differ from reply {at}")
            if [t["seq"] for t in turns] != list(range(len(turns))):
                problems.append(f"session {sid}: turn numbers have gaps or repeats")
            s = sv.session_detail(uow, sid)
            try:
                replay(scenarios[s["scenario_id"]], s["seed"] or 0, turns, channel=s["channel"], allow_end=True)
            except SimulationError as exc:
                problems.append(f"session {sid}: the recorded turns do not replay ({exc})")
    return problems
