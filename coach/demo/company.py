"""A realistic demo company: teams, 29 people, a few hundred practice sessions over three months.

Deterministic: the same seed gives the same people, sessions, replies and scores; dates are offsets from
an anchor day (today by default). Sessions are built from the reply bank in coach/demo/bank (per scenario,
five steps, each with good / fair / poor staff replies), scored with the real standards engine and
written through the storage services exactly as the bot writes them, turn by turn. Trainees get better
over the three months at different speeds, trainers review a share of the sessions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import yaml

from coach import yamlload
from coach.sim.scenario import SCENARIOS, ScenarioError, load_scenario
from coach.storage import services as sv
from coach.storage.errors import Conflict
from coach.storage.models import Person
from coach.vocabulary import CONVERSATION_CHANNELS

BANK = Path(__file__).resolve().parent / "bank"
DEMO_PASSWORD = "practise"
QUALITIES = ("good", "fair", "poor")
TEAMS = ("Customer care", "Telesales", "Returns and claims", "Billing")

# name, login, role, team index (None: no team)
STAFF = [
    ("Amira Haddad", "admin", "admin", None),
    ("Margaret Okonkwo", "manager", "manager", None),
    ("Lars Eriksen", "lars.eriksen", "manager", 1),
    ("Tessa Morgan", "trainer", "trainer", 0),
    ("Ravi Menon", "ravi.menon", "trainer", 1),
    ("Claire Dubois", "claire.dubois", "trainer", 2),
    ("Iryna Bondarenko", "iryna.bondarenko", "trainer", 3),
]
TRAINEES = [
    ("Anna Berg", "trainee", 0), ("Daniel Okafor", "daniel.okafor", 0), ("Sofia Rossi", "sofia.rossi", 0),
    ("Jamal Wright", "jamal.wright", 0), ("Mei Chen", "mei.chen", 0), ("Oliver Novak", "oliver.novak", 1),
    ("Priya Shah", "priya.shah", 1), ("Lukas Weber", "lukas.weber", 1), ("Grace Mensah", "grace.mensah", 1),
    ("Tom Fischer", "tom.fischer", 1), ("Hannah Kim", "hannah.kim", 2), ("Diego Alvarez", "diego.alvarez", 2),
    ("Fatima Noor", "fatima.noor", 2), ("Olga Smirnova", "olga.smirnova", 2), ("Ines Duarte", "ines.duarte", 3),
    ("Kofi Asante", "kofi.asante", 3), ("Zofia Kowalska", "zofia.kowalska", 3), ("Dmitri Volkov", "dmitri.volkov", 3),
    ("Nora Lindqvist", "nora.lindqvist", 1), ("Oksana Kovalenko", "oksana.kovalenko", 3),
    ("Taras Hnatiuk", "taras.hnatiuk", 3), ("Erik Sjöberg", "erik.sjoberg", 1),
    ("Laura Kalniņa", "laura.kalnina", 2), ("Mārtiņš Bērziņš", "martins.berzins", 2),
]
TRAINER_OF_TEAM = {0: "trainer", 1: "ravi.menon", 2: "claire.dubois", 3: "iryna.bondarenko"}
# the languages a person works in (English unless listed), the first one the panel's: trainees practise the
# scenarios of those languages, scored with each language's standards pack; Claire trains Olga's team and reviews
# in Russian, Iryna trains Oksana's and Taras's team (Billing) and reviews in Ukrainian; Ravi, who trains Telesales,
# reads Swedish too and reviews Nora's and Erik's Swedish sessions (his panel stays English); Claire, who works in
# Riga, reads Latvian too and reviews Laura's and Mārtiņš's Latvian sessions (her panel stays Russian)
SPEAKS = {"olga.smirnova": ("ru",), "dmitri.volkov": ("ru", "en"), "claire.dubois": ("ru", "en", "lv"),
          "oksana.kovalenko": ("uk",), "taras.hnatiuk": ("uk", "en"), "iryna.bondarenko": ("uk", "en"),
          "nora.lindqvist": ("sv", "en"), "erik.sjoberg": ("sv",), "ravi.menon": ("en", "sv"),
          "laura.kalnina": ("lv",), "martins.berzins": ("lv", "en")}


class BankError(ScenarioError):
    """A reply-bank file that does not have the expected shape, or plays a scenario that cannot be loaded. A
    kind of ScenarioError, so that `coach db demo` and `coach up` say it in one line like any scenario error."""


@dataclass(frozen=True)
class BankScenario:
    """A scenario of bot/scenarios as the demo plays it: its id, title, track and difficulty come from the
    scenario file; the channel it is played on and the staff replies come from the bank file."""

    id: str
    title: str
    track: str
    difficulty: int
    channel: str
    steps: list
    language: str = "en"


def _read_bank_file(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        try:
            doc = yamlload.safe_load(fh)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise BankError(f"{path}:{mark.line + 1 if mark else '?'}: not valid YAML") from None
    if not isinstance(doc, dict):
        raise BankError(f"{path}: expected a mapping with scenario, channel, steps")
    for key in ("scenario", "channel", "steps"):
        if key not in doc:
            raise BankError(f"{path}: missing {key!r}")
    if doc["channel"] not in CONVERSATION_CHANNELS:
        raise BankError(f"{path}: channel: {doc['channel']!r} is not one of {', '.join(CONVERSATION_CHANNELS)}")
    for n, step in enumerate(doc["steps"]):
        for q in QUALITIES:
            if not step.get(q):
                raise BankError(f"{path}: steps[{n}].{q}: needs at least one reply")
        if not isinstance(step.get("customer", []), list):
            raise BankError(f"{path}: steps[{n}].customer: expected a list of lines")
    return doc


def load_bank(folder: Path = BANK, scenarios: Path | None = None) -> dict[str, BankScenario]:
    """The reply bank, one entry per scenario it plays. Each bank file names a scenario of `scenarios`
    (default: bot/scenarios, the source of truth for its title, track and difficulty); a bank for a missing or
    broken scenario is refused, naming both files."""
    scenarios = Path(scenarios or SCENARIOS)
    out = {}
    for path in sorted(folder.glob("*.yml")):
        doc = _read_bank_file(path)
        sid = str(doc["scenario"])
        if not (scenarios / f"{sid}.yml").is_file():
            raise BankError(f"{path}: scenario: no scenario {sid!r} in {scenarios} (a bank plays one of them)")
        try:
            sc = load_scenario(scenarios / f"{sid}.yml")
        except ScenarioError as exc:
            raise BankError(f"{path}: scenario: {sid!r} cannot be played ({exc})") from None
        out[sid] = BankScenario(sid, sc.title, sc.track, sc.difficulty, doc["channel"], doc["steps"], sc.language)
    if not out:
        raise BankError(f"{folder}: no reply bank files (*.yml)")
    return out


def _pick_quality(rng: random.Random, skill: float) -> str:
    r = rng.random()
    if r < skill:
        return "good"
    return "fair" if r < skill + (1 - skill) * 0.55 else "poor"


def build_transcript(rng: random.Random, scenario: BankScenario, skill: float) -> tuple[dict, list[str]]:
    """One practice session as a transcript (the scorer's format) and the quality of each staff reply."""
    turns, qualities = [], []
    phone = scenario.channel == "phone"
    t = 0.0
    if phone:
        turns.append({"speaker": "system", "event": "ring", "t": 0.0})
    after_hold = False
    for n, step in enumerate(scenario.steps):
        if step.get("customer") and not after_hold:  # after a hold the caller already agreed before it
            t += rng.uniform(6, 18)
            turns.append({"speaker": "customer", "text": rng.choice(step["customer"]), "t": round(t, 1)})
        q = _pick_quality(rng, skill)
        if phone and not qualities:  # answering: within the standard when good, slow when poor
            t += rng.uniform(3, 8) if q == "good" else rng.uniform(8, 14) if q == "fair" else rng.uniform(18, 30)
        elif after_hold:
            t += 1.0
        else:
            t += rng.uniform(4, 12) if q != "poor" else rng.uniform(10, 40)
        turns.append({"speaker": "staff", "text": rng.choice(step[q]), "t": round(t, 1)})
        qualities.append(q)
        after_hold = False
        if phone and step.get("hold"):
            # the caller answers the request to hold (the next step's line), then the hold begins
            nxt = scenario.steps[n + 1] if n + 1 < len(scenario.steps) else {}
            if nxt.get("customer"):
                t += rng.uniform(5, 9)
                turns.append({"speaker": "customer", "text": rng.choice(nxt["customer"]), "t": round(t, 1)})
            t += rng.uniform(2, 5)
            turns.append({"speaker": "system", "event": "hold", "t": round(t, 1)})
            t += rng.uniform(30, 55) if q == "good" else rng.uniform(60, 200)
            turns.append({"speaker": "system", "event": "resume", "t": round(t, 1)})
            after_hold = True
        if phone and step.get("transfer"):
            t += rng.uniform(3, 8)
            turns.append({"speaker": "system", "event": "transfer", "t": round(t, 1)})
            break
    if phone and turns[-1].get("event") != "transfer":
        t += rng.uniform(2, 6)
        turns.append({"speaker": "system", "event": "hangup", "t": round(t, 1)})
    return {"channel": scenario.channel, "scenario": scenario.id, "turns": turns}, qualities


def _mood_path(transcript: dict, qualities: list[str], track: str) -> list[float | None]:
    """A plausible customer mood after each turn (the real simulator comes with the bot)."""
    mood = -0.5 if track == "complaint" else -0.1
    out, k = [], 0
    for turn in transcript["turns"]:
        if turn["speaker"] == "staff":
            mood += {"good": 0.22, "fair": 0.04, "poor": -0.28}[qualities[k]]
            mood = max(-1.0, min(1.0, mood))
            k += 1
        out.append(round(mood, 2) if turn["speaker"] != "system" else None)
    return out


def _outcome(score: int, rng: random.Random, phone: bool) -> str:
    if score >= 80:
        return "resolved"
    if score >= 55:
        return "resolved" if rng.random() < 0.7 else "escalated"
    return rng.choice(["escalated", "hung_up"] if phone else ["escalated", "escalated", "hung_up"])


def _work_time(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(hour=rng.randint(8, 16), minute=rng.randint(0, 59)), tzinfo=timezone.utc)


def load_demo(db, scorer, *, seed: int = 7, anchor: date | None = None, sessions_per_trainee: tuple = (20, 32),
              days: int = 90, on_progress=None, password_rounds: int | None = None) -> dict:
    """Write the demo company into an empty, migrated database. Returns counts and the demo logins. `scorer`
    scores the sessions in its pack's language; those in other languages get their language's pack."""
    rng = random.Random(seed)
    anchor = anchor or date.today()
    bank = load_bank()
    scorers = _Scorers(scorer)
    ids = _demo_people(db, password_rounds)
    plan = _demo_plan(rng, bank, anchor, days, sessions_per_trainee)
    # a few sessions that never ended (a closed browser), and one still going today
    abandoned = {i for i in range(len(plan)) if rng.random() < 0.03}
    counts = {"teams": len(TEAMS), "people": len(ids), "sessions": 0, "turns": 0, "reviews": 0, "abandoned": 0}
    for i, (login, team, scen_id, skill, started) in enumerate(plan):
        kept = _demo_session(db, scorers(bank[scen_id].language), rng, f"demo session {i}", bank[scen_id], skill,
                             started,
                             person_id=ids[login], reviewer_id=ids[TRAINER_OF_TEAM[team]], abandoned=i in abandoned)
        counts["sessions"] += 1
        counts["turns"] += kept["turns"]
        counts["reviews"] += kept["reviewed"]
        counts["abandoned"] += i in abandoned
        if on_progress:
            on_progress(1)
    _demo_awards(db, ids, anchor)
    counts["logins"] = {"trainee": "trainee", "trainer": "trainer", "manager": "manager", "admin": "admin",
                        "password": DEMO_PASSWORD}
    return counts


def _demo_people(db, password_rounds) -> dict[str, int]:
    """The teams and people, in an empty database; returns person ids by login."""
    from sqlalchemy import select

    with db.reader() as uow:
        if uow.session.execute(select(Person.id).limit(1)).first():
            raise Conflict("the database already has people in it; the demo company goes into an empty database "
                              "(`coach db demo --reset` empties it first)")
    ids: dict[str, int] = {}
    # one hash for the one demo password, at the configured cost (like every account: sign-in takes the same
    # time for every login), made once rather than 25 times
    demo_hash = sv.hash_password(DEMO_PASSWORD, password_rounds)
    with db.uow() as uow:
        teams = [sv.create_team(uow, name) for name in TEAMS]
        for name, login, role, team in STAFF:
            ids[login] = sv.create_person(uow, name=name, login=login, role=role,
                                          team_id=teams[team] if team is not None else None,
                                          password_hash=demo_hash, language=SPEAKS.get(login, ("en",))[0])
        for name, login, team in TRAINEES:
            ids[login] = sv.create_person(uow, name=name, login=login, role="trainee", team_id=teams[team],
                                          password_hash=demo_hash, language=SPEAKS.get(login, ("en",))[0])
        uow.commit()
    return ids


class _Scorers:
    """The scorer of each language the demo plays: the one given for its own language, the others built once
    from standards/<language>/."""

    def __init__(self, scorer):
        self.by_language = {scorer.pack.language: scorer}

    def __call__(self, language):
        if language not in self.by_language:
            from coach.standards import Scorer, load_pack, pack_folder

            self.by_language[language] = Scorer(load_pack(pack_folder(language)))
        return self.by_language[language]


def _demo_plan(rng, bank, anchor, days, sessions_per_trainee) -> list[tuple]:
    """Every trainee: a starting skill and a learning speed; sessions spread over the period, in time order,
    in the scenarios of the languages they speak: (login, team, scenario id, skill, started)."""
    plan = []
    start_day = anchor - timedelta(days=days)
    for _name, login, team in TRAINEES:
        speaks = SPEAKS.get(login, ("en",))
        scenario_ids = sorted(sid for sid, sc in bank.items() if sc.language in speaks)
        skill0, gain = rng.uniform(0.2, 0.65), rng.uniform(0.0, 0.35)
        n = rng.randint(*sessions_per_trainee)
        offsets = sorted(rng.randint(0, days - 1) for _ in range(n))
        favourite = rng.choice(scenario_ids)
        for off in offsets:
            day = start_day + timedelta(days=off)
            if day.weekday() >= 5:
                day -= timedelta(days=day.weekday() - 4)
            # some trainees farm their favourite scenario; most spread over the tracks
            scen = favourite if rng.random() < 0.25 else rng.choice(scenario_ids)
            skill = min(0.95, skill0 + gain * off / days)
            plan.append((login, team, scen, skill, _work_time(rng, day)))
    plan.sort(key=lambda p: p[4])
    return plan


def _demo_session(db, scorer, rng, where, scenario, skill, started, *, person_id, reviewer_id, abandoned) -> dict:
    """One demo session, scored and recorded turn by turn (cut off halfway when abandoned); about a quarter
    of the ended ones reviewed by the team's trainer. Returns the turns kept and whether it was reviewed."""
    from coach.transcript import parse_transcript

    transcript, qualities = build_transcript(rng, scenario, skill)
    moods = _mood_path(transcript, qualities, scenario.track)
    parsed = parse_transcript(transcript, where=where)
    analysis = scorer.analyse(parsed)
    card = scorer.score(parsed, analysis)
    reviewed = False
    with db.uow() as uow:
        sid = sv.start_session(uow, person_id=person_id, scenario_id=scenario.id, scenario_version="demo-1",
                               channel=scenario.channel, language=scenario.language, track=scenario.track,
                               difficulty=scenario.difficulty,
                               seed=rng.randint(0, 2**31 - 1), started_at=started)
        cut = len(parsed.turns) if not abandoned else max(2, len(parsed.turns) // 2)
        prev_t, turns = 0.0, []
        for seq, turn in enumerate(parsed.turns[:cut]):
            det = analysis.detections.get(seq)
            turns.append({"seq": seq, "speaker": turn.speaker, "text": turn.text, "event": turn.event, "t": turn.t,
                          "at": started + timedelta(seconds=turn.t or 0), "mood_after": moods[seq],
                          "latency_ms": int((turn.t - prev_t) * 1000) if turn.speaker == "staff" else None,
                          "behaviors": det.behaviors if det else None,
                          "spans": [e.as_dict() for e in det.spans] if det else None})
            prev_t = turn.t or prev_t
        sv.append_turns(uow, sid, turns)
        end = started + timedelta(seconds=(parsed.turns[cut - 1].t or 0) + 5)
        if abandoned:
            sv.end_session(uow, sid, status="abandoned", ended_at=end + timedelta(minutes=30))
        else:
            sv.register_standards(uow, scorer.pack, card.standards["detector"])
            sv.end_session(uow, sid, outcome=_outcome(card.overall, rng, scenario.channel == "phone"),
                           final_mood=moods[cut - 1] if moods[cut - 1] is not None else
                           next(m for m in reversed(moods) if m is not None), scorecard=card, ended_at=end)
            # trainers review about a quarter of the sessions of their team
            if rng.random() < 0.25:
                _demo_review(uow, rng, sid, reviewer_id)
                reviewed = True
        uow.commit()
    return {"turns": cut, "reviewed": reviewed}


def _demo_review(uow, rng, session_id, reviewer_id):
    detail = sv.session_detail(uow, session_id)
    verdicts = []
    for f in detail["findings"]:
        if rng.random() < 0.12:
            verdicts.append({"finding_id": f["id"], "verdict": "reject",
                             "reason": rng.choice(["The customer had asked for exactly this.",
                                                   "Said kindly; in context this is fine.",
                                                   "This is the company's standard wording."])})
        else:
            verdicts.append({"finding_id": f["id"], "verdict": "agree"})
    status = rng.choices(["approved", "pending", "disputed"], weights=[7, 2, 1])[0]
    override = reason = None
    if any(v["verdict"] == "reject" for v in verdicts) and status == "approved":
        override = min(100, detail["scorecard"]["overall"] + rng.randint(5, 15))
        reason = "Findings rejected on review; the reply met the standard in context."
    comment = rng.choice(["Good structure, keep going.", "Watch the phrasing in the opening.",
                          "Remember to give a time for the next step.", None])
    sv.record_review(uow, session_id=session_id, reviewer_id=reviewer_id, verdicts=verdicts,
                     overall_override=override, overall_reason=reason, comment=comment, status=status)


def _demo_awards(db, ids, anchor: date):
    """The employee of the month two months before the anchor's month, decided by the head manager with
    the real formula; the month just before is left for the demo manager to decide."""
    from coach import recognition

    formula = recognition.load_formula()
    month = ((anchor.replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    with db.uow() as uow:
        eligible = [c for c in recognition.rank(uow, month, formula) if c.eligible]
        if not eligible:
            return
        top = eligible[0]
        sv.record_award(uow, period=month, person_id=top.person_id, decided_by=ids["manager"],
                        reason=f"First in the ranking: {top.sessions} sessions in {len(top.tracks)} tracks, "
                               f"a final score of {top.final}.",
                        formula_version=formula.version, figures=top.figures())
        uow.commit()
