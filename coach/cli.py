"""The `coach` command: tag replies, score transcripts, check packs, run the database and its data requests.

Every error names what was wrong and what would be right, and exits non-zero; no tracebacks.
Exit codes: 0 ok, 1 some input records were unusable (the rest were processed), 2 usage or pack error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from coach import __version__, settings
from coach.vocabulary import CONVERSATION_CHANNELS

MAX_INPUT_BYTES = 50_000_000  # one input file or stdin
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "transcripts"


class InputError(Exception):
    """Input that cannot be used at all (exit 2)."""


def _read_text(source: str | None, stdin=None) -> tuple[str, str]:
    """Read a file (or stdin when None or '-') as UTF-8; return (name, text)."""
    if source in (None, "-"):
        stream = (stdin or sys.stdin).buffer if hasattr(stdin or sys.stdin, "buffer") else None
        raw = stream.read(MAX_INPUT_BYTES + 1) if stream is not None else (stdin or sys.stdin).read().encode()
        name = "<stdin>"
    else:
        path = Path(source)
        if not path.exists():
            raise InputError(f"{source}: no such file")
        if path.is_dir():
            raise InputError(f"{source}: is a folder; give a file")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_INPUT_BYTES + 1)
        name = source
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError(f"{name}: larger than {MAX_INPUT_BYTES // 1_000_000} MB; split it into smaller files")
    if b"\x00" in raw[:8192]:
        raise InputError(f"{name}: looks like a binary file; expected UTF-8 text (JSON)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-8 (byte {exc.start}: {raw[exc.start:exc.start + 1]!r}); "
                         f"save the file as UTF-8") from None
    return name, text


def _err(msg):
    print(f"coach: {msg}", file=sys.stderr)


# -- coach tag -----------------------------------------------------------------------------------

def cmd_tag(args) -> int:
    from coach.detect import MAX_CHARS
    from coach.standards import load_pack

    name, text = _read_text(args.file)
    pack = load_pack(args.pack) if args.pack else None
    jargon = (pack.language, tuple(pack.jargon)) if pack else ("en", ())
    records, problems = [], 0
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            _err(f"{name}:{n}: not valid JSON ({exc.msg} at column {exc.colno}); expected "
                 f'{{"id": ..., "text": "...", "customer": "..."}} on one line')
            problems += 1
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            got = "no 'text'" if isinstance(obj, dict) else type(obj).__name__
            _err(f"{name}:{n}: expected an object with a 'text' string, got {got}")
            problems += 1
            continue
        if len(obj["text"]) > MAX_CHARS:
            _err(f"{name}:{n}: text is {len(obj['text']):,} characters; one reply may have at most {MAX_CHARS:,}")
            problems += 1
            continue
        customer = obj.get("customer")
        if customer is not None and not isinstance(customer, str):
            _err(f"{name}:{n}: 'customer' must be a string (the previous customer message) or absent")
            problems += 1
            continue
        records.append((obj.get("id", n), obj["text"], customer))
    out = sys.stdout
    languages = [args.lang or _guess_language(t) for _, t, _ in records]
    dets = _detect_by_language(records, languages, jargon)
    progress = _bar(len(records), "coach: tagged", unit="reply", least=1000)
    for (rid, _, _), language, det in zip(records, languages, dets, strict=True):
        progress.update()
        record = {"id": rid, "language": language, "behaviors": det.behaviors,
                  "spans": [e.as_dict() for e in det.spans]}
        if det.warnings:
            record["warnings"] = det.warnings
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    progress.close()
    if not records and not problems:
        _err(f"{name}: no input; give JSON lines like {{\"id\": 1, \"text\": \"How can I help?\"}}")
        return 1
    return 1 if problems else 0


def _guess_language(text):
    from coach.detect.languages import guess_language

    return guess_language(text)


def _detect_by_language(records, languages, jargon):
    """Detections in the order of `records`, each reply read by the detector of its language; `jargon` is
    (the pack's language, its jargon list), which joins the detector of that language."""
    from coach.detect import shared_detector

    def of(language):
        return shared_detector(jargon[1] if language == jargon[0] else (), language)

    if len(set(languages)) <= 1:  # one language: stream, without holding every detection
        return of(languages[0] if languages else "en").detect_many((t, c) for _, t, c in records)
    out = [None] * len(records)
    for language in dict.fromkeys(languages):
        where = [i for i, lang in enumerate(languages) if lang == language]
        for i, det in zip(where, of(language).detect_many((records[i][1], records[i][2]) for i in where),
                          strict=True):
            out[i] = det
    return out


# -- coach score ---------------------------------------------------------------------------------

def _load_transcript(name, text):
    from coach.transcript import parse_transcript

    if not text.strip():
        raise ValueError(f"{name}: empty; expected a transcript: "
                         f'{{"channel": "chat", "turns": [{{"speaker": "staff", "text": "..."}}]}}')
    if name.endswith((".yml", ".yaml")):
        import yaml

        from coach import yamlload

        try:
            obj = yamlload.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ValueError(f"{name}:{mark.line + 1 if mark else '?'}: not valid YAML") from None
    else:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{name}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    return parse_transcript(obj, where=name)


def cmd_score(args) -> int:
    from coach.standards import Scorer, load_pack
    from coach.transcript import TranscriptError

    scorers = {}

    def scorer_for(folder):
        """The scorer of a pack folder: the one given, or the pack of a transcript's language."""
        if folder not in scorers:
            scorers[folder] = Scorer(load_pack(folder))
        return scorers[folder]

    if args.pack:
        scorer_for(args.pack)  # a broken pack is reported before any transcript is read

    sources = args.files or ["-"]
    problems = 0
    progress = _bar(len(sources), "coach: scored", unit="transcript", least=100)
    for src in sources:
        progress.update()
        try:
            name, text = _read_text(src)
            transcript = _load_transcript(name, text)
            folder = args.pack or _pack_folder(transcript, name)
        except (InputError, ValueError, TranscriptError) as exc:
            _err(str(exc))
            problems += 1
            continue
        card = scorer_for(folder).score(transcript)  # a broken pack stops the run (PackError, exit 2)
        if args.format == "text":
            print(render_text(name, transcript, card))
        else:
            print(json.dumps({"source": name, **card.as_dict()}, ensure_ascii=False))
    progress.close()
    return 1 if problems else 0


def _pack_folder(transcript, name):
    """standards/<language>/ for a transcript: the language it states, else the one its staff replies are in."""
    from coach.detect.languages import guess_language
    from coach.standards.pack import pack_folder, pack_languages

    packs = pack_languages()
    language = transcript.meta.get("language")
    if language is None:
        staff = " ".join(transcript.turns[i].text for i in transcript.staff_turns)
        language = guess_language(staff)
    if not isinstance(language, str) or language not in packs:
        raise ValueError(f"{name}: language {language!r} has no standards pack; packs: {', '.join(packs)} "
                         "(or give one with --pack)")
    return pack_folder(language)


def render_text(name, transcript, card):
    """A scorecard for people: the arithmetic, and each finding with the offending words marked."""
    lines = [f"== {name}  ({transcript.channel}{', ' + transcript.scenario if transcript.scenario else ''})",
             f"Overall {card.overall}/100   " + "   ".join(f"{k} {v}" for k, v in card.categories.items()),
             f"Standards {card.standards['pack']} @ {card.standards['version']}, "
             f"detector @ {card.standards['detector']}", ""]
    by_turn = {}
    for f in card.findings:
        by_turn.setdefault(f.turn, []).append(f)
    for i, turn in enumerate(transcript.turns):
        if turn.speaker == "system":
            lines.append(f"  [{turn.event}]" + (f" at {turn.t:g}s" if turn.t is not None else ""))
            continue
        text = turn.text
        marks = sorted((f.span["start"], f.span["end"]) for f in by_turn.get(i, []) if f.span)
        if marks:
            out, pos = [], 0
            for s, e in marks:
                if s < pos:
                    continue
                out.append(text[pos:s] + ">>" + text[s:e] + "<<")
                pos = e
            text = "".join(out) + text[pos:]
        who = "STAFF   " if turn.speaker == "staff" else "CUSTOMER"
        lines.append(f"{i:>3} {who} {text}")
        for f in by_turn.get(i, []):
            lines.append(f"      ! {f.rule} [{f.severity}] {f.message}")
            if f.suggestion:
                lines.append(f"        try: {f.suggestion}")
    if None in by_turn:
        lines.append("")
        lines.append("Session:")
        for f in by_turn[None]:
            lines.append(f"      ! {f.rule} [{f.severity}] {f.message}")
            if f.suggestion:
                lines.append(f"        try: {f.suggestion}")
    lines.append("")
    lines.append(f"Met {len(card.met)} standards; missed {len(set(card.missed))}; "
                 f"{len(card.not_applicable)} did not apply.")
    lines.append("How the score was computed:")
    lines.extend(f"  {e}" for e in card.explanation)
    return "\n".join(lines)


# -- coach standards -----------------------------------------------------------------------------

def cmd_standards(args) -> int:
    from coach.standards import load_pack

    if args.folder is not None and args.pack is not None and args.folder != args.pack:
        _err(f"two packs given: {args.folder} and --pack {args.pack}; name one")
        return 2
    pack = load_pack(args.folder or args.pack or args.default_pack)
    if args.action == "check":
        from coach.standards import Scorer
        from coach.standards.suggestions import pack_suggestion_problems, swap_problems

        scorer = Scorer(pack, situations={})
        problems = swap_problems(scorer) + pack_suggestion_problems(scorer)
        for problem in problems:
            _err(f"standards pack error: {problem}")
        if problems:
            return 2
        print(f"{pack.path}: {len(pack.rules)} rules, version {pack.version}: ok")
        return 0
    for rule in pack.rules:
        print(f"{rule.id}  {rule.category:<10} {rule.severity:<8} {rule.type:<12} {rule.title}")
    return 0


def cmd_demo(args) -> int:
    """Score the demo transcripts and print them for people."""
    files = sorted(str(p) for p in EXAMPLES.glob("*.json"))
    if not files:
        _err(f"no demo transcripts in {EXAMPLES}")
        return 2
    ns = argparse.Namespace(files=files, format="text", pack=args.pack)
    return cmd_score(ns)


# -- coach db / rescore / person -----------------------------------------------------------------

def _database(args):
    from coach.storage import Database

    return Database(args.database)


def _bar(total, desc, unit="session", least=1):
    """A progress bar on stderr when a person is watching and there are at least `least` items (or the
    total is not known yet: None); silent in pipes and CI logs."""
    from tqdm import tqdm

    few = total is not None and total < least
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=True if few else None, leave=False)


def cmd_db(args) -> int:
    from coach.storage import migrate

    db = _database(args)
    try:
        if args.action == "upgrade":
            print(migrate.upgrade_and_report(db, args.revision or "head"))
        elif args.action == "downgrade":
            target = args.revision or "base"
            if target == "base" and not args.yes:
                _err("downgrading to base drops every table and all data; add --yes if that is what you want")
                return 2
            migrate.downgrade(db, target)
            print(f"{db!r}: schema now {migrate.current_revision(db) or 'empty'}")
        elif args.action == "current":
            cur, head = migrate.current_revision(db), migrate.head_revision()
            print(f"{db!r}: schema {cur or 'empty'} (newest: {head})")
            return 0 if cur == head else 1
        elif args.action == "demo":
            return _demo_data(db, args)
        elif args.action == "sweep":
            from datetime import timedelta

            from coach.storage import services

            migrate.ensure_schema(db)
            with db.uow() as uow:
                ids = services.abandon_stale(uow, timedelta(minutes=args.idle_minutes))
                uow.commit()
            print(f"marked {len(ids)} session(s) idle for more than {args.idle_minutes} min as abandoned"
                  + (f": {', '.join(map(str, ids))}" if ids else ""))
        return 0
    finally:
        db.dispose()


def _demo_data(db, args):
    from datetime import date

    from coach.demo.install import install_demo

    anchor = date.fromisoformat(args.anchor) if args.anchor else None
    return install_demo(db, pack=args.pack, seed=args.seed, anchor=anchor, reset=args.reset, if_empty=args.if_empty)


def _date_arg(value, name):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"{name}: {value!r} is not a date; use YYYY-MM-DD, for example 2026-11-01") from None


def cmd_rescore(args) -> int:
    from coach.standards import Scorer, load_pack
    from coach.storage import migrate
    from coach.storage.rescoring import rescore

    since = _date_arg(args.since, "--since")
    until = _date_arg(args.until, "--until") if args.until else None
    db = _database(args)
    try:
        migrate.ensure_schema(db)
        scorer = Scorer(load_pack(args.pack))
        with _bar(None, "rescoring") as bar:
            def step(n, total):
                if bar.total != total:
                    bar.total = total
                bar.update(n)
            summary = rescore(db, scorer, since=since, until=until, force=args.force, on_progress=step)
    finally:
        db.dispose()
    print(f"rescored {summary['rescored']} of {summary['sessions']} completed session(s) since {since} with "
          f"{summary['pack']} @ {summary['version']} (detector {summary['detector']}); "
          f"{summary['skipped']} already had this version")
    if summary["rescored"]:
        print(f"  the standards pack changed for {summary['pack_changed']}, the detector for "
              f"{summary['detector_changed']}; the overall score changed for {summary['changed']}"
              + (f" (mean change {summary['mean_change']:+})" if summary["changed"] else ""))
        print("  the earlier scorecards are kept as history")
    return 0


def _person_id(uow, who):
    from coach.storage import services

    if who.isdigit():
        return services.get_person(uow, int(who))["id"]
    return services.find_person(uow, who)["id"]


def cmd_person(args) -> int:
    from coach.storage import migrate, services

    db = _database(args)
    try:
        migrate.ensure_schema(db)
        with db.uow() as uow:
            pid = _person_id(uow, args.who)
            if args.action == "export":
                data = services.export_person(uow, pid)
                uow.commit()
                out = json.dumps(data, ensure_ascii=False, indent=2)
                if args.output:
                    Path(args.output).write_text(out + "\n", encoding="utf-8")
                    print(f"exported {len(data['practice_sessions'])} session(s) of person {pid} to {args.output}")
                else:
                    print(out)
                return 0
            if not args.yes:
                _err(f"this erases the name, login and every practice text of person {pid} for good; "
                     f"add --yes to go ahead (export first if they asked for a copy)")
                return 2
            summary = services.delete_person(uow, pid)
            uow.commit()
    finally:
        db.dispose()
    print(f"deleted person {pid}: {summary['sessions']} session(s) kept as anonymous figures, "
          f"{summary['turns_erased']} turn(s) erased, {summary['rasa_events_deleted']} Rasa tracker event(s) deleted")
    return 0


# -- coach scenarios -----------------------------------------------------------------------------

def cmd_scenarios(args) -> int:
    from coach.sim import load_scenario, load_scenarios

    if args.action in ("check", "list"):
        scenarios = load_scenarios(args.folder)
        for sc in scenarios.values():
            if args.action == "list":
                print(f"{sc.id:<28} {sc.track:<10} {sc.channel:<6} difficulty {sc.difficulty}  hostility {sc.hostility}"
                      f"  {sc.title}")
        if args.action == "check":
            problems = _scenario_suggestion_problems(scenarios, args.pack)
            for problem in problems:
                _err(problem)
            if problems:
                return 2
            tracks = sorted({sc.track for sc in scenarios.values()})
            print(f"{args.folder}: {len(scenarios)} scenarios ({', '.join(tracks)}): ok")
        return 0
    from coach.sim.play import load_script, play

    if not args.id:
        raise InputError("coach scenarios play needs a scenario id, "
                         "e.g. coach scenarios play kept_waiting --script good")
    path = Path(args.folder) / f"{args.id}.yml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in Path(args.folder).glob("*.yml")))
        raise InputError(f"no scenario {args.id!r} in {args.folder}; known: {known}")
    scenario = load_scenario(path)
    result = play(scenario, load_script(args.id, args.script), seed=args.seed)
    for turn in result["turns"]:
        if turn["speaker"] == "system":
            print(f"  [{turn['event']} at {turn['t']:g}s]")
        elif turn["speaker"] == "staff":
            print(f"  STAFF    {turn['text']}   {turn['behaviors']}")
        else:
            print(f"  CUSTOMER {turn['text']}   (mood {turn['mood']:+.2f})")
    print(f"outcome: {result['outcome'] or 'still going'}; mood {result['mood']:+.2f}; needs met: "
          f"{', '.join(result['needs_met']) or 'none'} of {', '.join(n.id for n in scenario.needs)}")
    return 0


def _scenario_suggestion_problems(scenarios, pack_path):
    """The scenarios' own suggestions (situation.suggestions) that name no rule of their language's pack (the
    given one for its language) or that the rule itself would flag; packs are loaded only when a scenario has
    suggestions."""
    if not any(sc.situation.suggestions for sc in scenarios.values()):
        return []
    from coach.standards import Scorer, load_pack, pack_folder
    from coach.standards.suggestions import scenario_suggestion_problems

    given = load_pack(pack_path)
    scorers = {given.language: Scorer(given, situations={})}
    out = []
    for sc in scenarios.values():  # each scenario against the pack of its language (standards/<language>)
        if sc.language not in scorers:
            scorers[sc.language] = Scorer(load_pack(pack_folder(sc.language)), situations={})
        out += scenario_suggestion_problems(scorers[sc.language], sc)
    return out


# -- coach data ----------------------------------------------------------------------------------

def cmd_data(args) -> int:
    """The detector's data: export trainers' corrections as labelled replies; train the learned half."""
    if args.action == "export-reviews":
        from coach.standards import load_pack
        from coach.storage.corrections import export_corrections

        with _database(args).reader() as uow:
            rows = export_corrections(uow, load_pack(args.pack))
        out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
        try:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        finally:
            if args.output:
                out.close()
        changed = sum(1 for r in rows if r["tags"] != r["machine"])
        _err(f"{len(rows)} reviewed replies from approved reviews ({changed} with tags the trainers corrected)"
             + (f" written to {args.output}" if args.output else ""))
        return 0
    from coach.detect.build import train_and_save

    try:
        report = train_and_save(language=args.lang, extra=args.extra, progress=True)
    except (ValueError, FileNotFoundError) as exc:  # a reply that is not valid JSON, an unknown tag, a bad setting
        _err(str(exc))
        return 2
    _err(f"{'tag':<22} {'support':>7} {'rules':>6} {'+model':>6}  "
         "how (out of fold: each training file held out with its fold)")
    for tag, v in report["oof_f1"].items():
        how = f"adds at p >= {v['threshold']:.2f}" + (f", drops below {v['drop_below']:.2f}" if v["drop_below"] else "")
        _err(f"{tag:<22} {v['support']:>7} {v['rules_alone']:>6.3f} {v['f1']:>6.3f}  {how}")
    _err(f"trained on {report['rows']:,} replies from {len(report['files'])} files: {report['features']:,} features; "
         f"out-of-fold macro-F1 {report['oof_macro_f1']:.3f}; written to {report['path']}")
    return 0


# -- coach serve / practice -----------------------------------------------------------------------

def cmd_serve(args) -> int:
    """`make run`: migrate, load the demo if empty, train if needed, run the Procfile with honcho (ops/run.py)."""
    from ops.run import up

    only = [p.strip() for p in args.only.split(",") if p.strip()] if args.only else None
    return up(retrain=args.train, demo=not args.no_demo, only=only)


def cmd_practice(args) -> int:
    """Play a session against the running servers: staff lines on stdin, JSON lines out."""
    from bot.client import PracticeClient, PracticeError

    with _database(args).reader() as uow:
        pid = _person_id(uow, args.person)
    client = PracticeClient(args.rasa or settings.current().rasa_url, token=args.token or settings.rasa_token())

    def emit(obj):
        print(json.dumps(obj, ensure_ascii=False), flush=True)

    try:
        # scripted: the "t" of timed JSON lines counts (lines without one are timed by the server's clock)
        emit(client.start(person_id=pid, scenario=args.scenario, seed=args.seed, channel=args.channel,
                          hostile=args.hostile, scripted=True))
    except PracticeError as exc:
        _err(str(exc))
        return 2
    problems = 0
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        item = {"text": line.rstrip("\n")}
        if line.lstrip().startswith("{"):
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                _err(f"<stdin>:{n}: not valid JSON ({exc.msg}); give a staff line as plain text or "
                     f'{{"text": "...", "t": 12}} / {{"event": "hold", "t": 40}} / {{"end": true}}')
                problems += 1
                continue
        try:
            if item.get("end"):
                emit(client.end())
                break
            if "event" in item:
                reply = client.event(item["event"], item.get("t"))
            else:
                reply = client.say(str(item.get("text", "")), item.get("t"))
            emit(reply)
            if reply.get("outcome"):
                break
        except PracticeError as exc:
            _err(f"<stdin>:{n}: {exc}")
            problems += 1
    return 1 if problems else 0


DB_HELP = "database URL (default: $DATABASE_URL, else the SQLite file var/coach.db)"


# -- coach say / coach transcribe -----------------------------------------------------------------

def _voice_of(who: str | None, language: str | None):
    """(settings, language) of a scenario's customer (by scenario id) or of the language's default voice."""
    from coach.voice.speak import VoiceSettings

    if not who:
        return VoiceSettings(), language or "en"
    from coach import resources

    scenarios = resources.scenarios()
    if who not in scenarios:
        raise InputError(f"--persona {who!r}: no such scenario; its customer's voice is used, so give one of "
                         f"{', '.join(sorted(scenarios))}")
    sc = scenarios[who]
    return VoiceSettings(**(sc.persona.get("voice") or {})), language or sc.language


def cmd_say(args) -> int:
    """A customer's line spoken into a WAV file."""
    from coach.voice import VoiceError
    from coach.voice.speak import say

    voice, language = _voice_of(args.persona, args.lang)
    try:
        wav = say(args.text, language, voice, mood=args.mood)
    except VoiceError as exc:
        raise InputError(str(exc)) from None
    out = Path(args.out)
    if out.is_dir():
        raise InputError(f"--out {args.out}: is a folder; give a file name such as line.wav")
    try:
        out.write_bytes(wav)
    except OSError as exc:
        raise InputError(f"--out {args.out}: cannot be written ({exc.strerror})") from None
    print(json.dumps({"out": str(out), "bytes": len(wav), "language": language}))
    return 0


def cmd_transcribe(args) -> int:
    """A spoken reply (WAV) as one JSON object: the text and what was measured."""
    from coach.voice import VoiceError, read_wav
    from coach.voice.listen import LANGUAGES, transcribe

    if args.lang not in LANGUAGES:
        raise InputError(f"--lang {args.lang}: no offline recogniser for it here (only {', '.join(LANGUAGES)}); "
                         f"the customer still speaks it, and replies are typed")
    path = Path(args.file)
    if not path.exists():
        raise InputError(f"{args.file}: no such file")
    if path.is_dir():
        raise InputError(f"{args.file}: is a folder; give a WAV file")
    scenario = None
    if args.scenario:
        from coach import resources

        scenario = resources.scenarios().get(args.scenario)
        if scenario is None:
            raise InputError(f"--scenario {args.scenario!r}: no such scenario")
    try:
        audio = read_wav(path.read_bytes()[: 200_000_000], name=args.file)
        result = transcribe(audio, args.lang, scenario)
    except VoiceError as exc:
        raise InputError(str(exc)) from None
    print(json.dumps(result.as_dict(), ensure_ascii=False))
    return 0


def build_parser():
    from coach.standards import DEFAULT_PACK

    ap = argparse.ArgumentParser(prog="coach", description="Staff-training and service-standards coach")
    ap.add_argument("--version", action="version", version=f"coach {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    _scoring_commands(sub, DEFAULT_PACK)
    _database_commands(sub, DEFAULT_PACK)
    _practice_commands(sub, DEFAULT_PACK)
    _data_commands(sub, DEFAULT_PACK)
    _voice_commands(sub)
    return ap


def _voice_commands(sub):
    p = sub.add_parser("say", help="speak a customer's line into a WAV file (Flite for English, else espeak-ng)")
    p.add_argument("text", help="what the customer says")
    p.add_argument("--out", required=True, help="the WAV file to write")
    p.add_argument("--persona", default=None, help="a scenario id: speak with its customer's voice")
    p.add_argument("--lang", default=None, help="the line's language (default: the scenario's, else en)")
    p.add_argument("--mood", type=float, default=None, help="-1 furious .. +1 pleased: faster and higher when low")
    p.set_defaults(func=cmd_say)
    p = sub.add_parser("transcribe", help="a spoken reply (WAV) as text with its rate, silences and loudness")
    p.add_argument("file", help="a PCM WAV file, any rate, mono or stereo")
    p.add_argument("--lang", default="en", help="the reply's language (an offline recogniser exists for en)")
    p.add_argument("--scenario", default=None, help="adapt the recogniser to this scenario's words")
    p.set_defaults(func=cmd_transcribe)


def _detector_languages():
    from coach.detect.languages import languages

    return languages()


def _scoring_commands(sub, default_pack):
    """tag, score, standards, demo: the detector and the standards on files, no database."""
    p = sub.add_parser("tag", help="tag staff replies (JSON lines) with behaviours and evidence spans")
    p.add_argument("file", nargs="?", help="JSON lines file; stdin when absent")
    p.add_argument("--pack", type=Path, default=None, help="also use this pack's jargon list")
    p.add_argument("--lang", choices=_detector_languages(), default=None,
                   help="the replies' language; without it each reply's language is recognised from its words")
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("score", help="score transcripts against a standards pack; one scorecard per line")
    p.add_argument("files", nargs="*", help="transcript files (JSON or YAML); stdin when absent")
    p.add_argument("--pack", type=Path, default=None,
                   help="standards pack folder (default: standards/<language>, the transcript's \"language\" or "
                        "the one its staff replies are written in)")
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("standards", help="check or list a standards pack")
    p.add_argument("action", choices=("check", "list"))
    p.add_argument("folder", nargs="?", type=Path, default=None,
                   help="the pack folder, e.g. standards/uk (or --pack; default: the English pack)")
    p.add_argument("--pack", type=Path, default=None)
    p.set_defaults(func=cmd_standards, default_pack=default_pack)

    p = sub.add_parser("demo", help="score the demo transcripts and show the scorecards")
    p.add_argument("--pack", type=Path, default=None,
                   help="standards pack folder (default: the pack of each transcript's language)")
    p.set_defaults(func=cmd_demo)


def _database_commands(sub, default_pack):
    """db and rescore: the database's schema, the demo company, idle sessions, scoring again."""
    p = sub.add_parser("db", help="the database: migrate it, load the demo company, sweep idle sessions")
    p.add_argument("action", choices=("upgrade", "downgrade", "current", "demo", "sweep"))
    p.add_argument("--database", default=None, help=DB_HELP)
    p.add_argument("--revision", default=None, help="upgrade/downgrade: target migration (default head / base)")
    p.add_argument("--yes", action="store_true", help="downgrade: confirm dropping data")
    p.add_argument("--seed", type=int, default=7, help="demo: the seed (same seed, same company)")
    p.add_argument("--anchor", default=None, help="demo: the last day of the three months (default today)")
    p.add_argument("--reset", action="store_true", help="demo: empty the database first")
    p.add_argument("--if-empty", action="store_true", help="demo: do nothing when the database already has people")
    p.add_argument("--pack", type=Path, default=default_pack)
    p.add_argument("--idle-minutes", type=int, default=30, help="sweep: mark sessions idle this long as abandoned")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("rescore", help="score stored sessions again with the current standards (old cards kept)")
    p.add_argument("--since", required=True, help="sessions started on or after this day (YYYY-MM-DD)")
    p.add_argument("--until", default=None, help="and before this day")
    p.add_argument("--force", action="store_true", help="also sessions already scored with this version")
    p.add_argument("--pack", type=Path, default=default_pack)
    p.add_argument("--database", default=None, help=DB_HELP)
    p.set_defaults(func=cmd_rescore)


def _practice_commands(sub, default_pack):
    """scenarios, up/serve, practice: the customers, running the product, a session from the terminal."""
    from coach.sim.scenario import SCENARIOS

    p = sub.add_parser("scenarios", help="check, list or play the customer scenarios (bot/scenarios)")
    p.add_argument("action", choices=("check", "list", "play"))
    p.add_argument("id", nargs="?", help="play: the scenario id")
    p.add_argument("--script", choices=("good", "poor"), default="good", help="play: coach/sim/scripts/<id>.yml")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--folder", type=Path, default=SCENARIOS)
    p.add_argument("--pack", type=Path, default=default_pack,
                   help="check: the standards pack the scenarios' suggestions are checked against")
    p.set_defaults(func=cmd_scenarios)

    for name in ("up", "serve"):
        p = sub.add_parser(name, help="the whole product: migrate the database, load the demo company if it is "
                                      "empty, train the Rasa model if needed, start the action server, the Rasa "
                                      "server and the panel (Procfile, honcho); Ctrl-C stops everything. Ports "
                                      "and addresses come from COACH_* variables (README)")
        p.add_argument("--train", action="store_true", help="train again even if nothing changed")
        p.add_argument("--no-demo", action="store_true", help="do not load the demo company into an empty database")
        p.add_argument("--only", default=None, metavar="actions,rasa,panel",
                       help="start only these processes on this host (no migration, no demo): one host of a "
                            "multi-host deployment")
        p.set_defaults(func=cmd_serve)

    p = sub.add_parser("practice", help="play a practice session from the terminal against the running servers")
    p.add_argument("--scenario", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--channel", choices=CONVERSATION_CHANNELS, default=None, help="default: the scenario's own")
    p.add_argument("--person", default="trainee", help="login or id of the trainee (default: the demo trainee)")
    p.add_argument("--hostile", action="store_true", help="opt in to hostile customers (insults, threats)")
    p.add_argument("--rasa", default=None, help="the Rasa server (default: $COACH_RASA_URL, as the panel's)")
    p.add_argument("--token", default=None,
                   help="Rasa API token (default: $COACH_RASA_TOKEN or var/secrets/rasa_token)")
    p.add_argument("--database", default=None, help=DB_HELP)
    p.set_defaults(func=cmd_practice)


def _data_commands(sub, default_pack):
    """data and person: the detector's training data, a person's data-protection requests."""
    p = sub.add_parser("data", help="the detector's data: export trainers' corrections, train the learned model")
    p.add_argument("action", choices=("export-reviews", "train-detector"))
    p.add_argument("-o", "--output", default=None, help="export-reviews: write to this file instead of stdout")
    p.add_argument("--extra", nargs="*", default=(), type=Path,
                   help="train-detector: more labelled files beside data/behaviors/*.jsonl (e.g. exported reviews)")
    p.add_argument("--lang", choices=_detector_languages(), default="en",
                   help="train-detector: the language's model, from data/behaviors/<lang>/ (default: en)")
    p.add_argument("--pack", type=Path, default=default_pack)
    p.add_argument("--database", default=None, help=DB_HELP)
    p.set_defaults(func=cmd_data)

    p = sub.add_parser("person", help="export or delete everything about one person (data-protection requests)")
    p.add_argument("action", choices=("export", "delete"))
    p.add_argument("who", help="login or id")
    p.add_argument("-o", "--output", default=None, help="export: write to this file instead of stdout")
    p.add_argument("--yes", action="store_true", help="delete: confirm")
    p.add_argument("--database", default=None, help=DB_HELP)
    p.set_defaults(func=cmd_person)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from coach.sim import ScenarioError, SimulationError
    from coach.standards import PackError
    from coach.storage.errors import StorageError

    try:
        settings.private_files(getattr(args, "database", None))  # var/, the database and the logs: owner only
        return args.func(args)
    except settings.SettingsError as exc:
        _err(str(exc))
        return 2
    except (ScenarioError, SimulationError) as exc:
        _err(str(exc))
        return 2
    except StorageError as exc:
        _err(str(exc))
        return 2
    except PackError as exc:
        _err(f"standards pack error: {exc}")
        return 2
    except InputError as exc:
        _err(str(exc))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
