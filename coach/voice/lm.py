"""The recogniser's language model, built from the product's own phrases (coach/voice/corpus.yml) and adapted to
a scenario by counting its own words more.

pocketsphinx's general English model turns service talk into nonsense ("oh lord you are or so easy on the q");
a model that knows what staff say in these calls, and what this customer is about, is the lever. The model is a
trigram model with interpolated absolute discounting, written as an ARPA file (pocketsphinx reads it as is),
over the words the recogniser's pronunciation dictionary knows. Built on first use and kept in
$COACH_VAR/voice/ under a hash of what went in, so a changed phrase builds a new one."""

from __future__ import annotations

import glob
import hashlib
import json
import math
import os
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

from coach import settings

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).with_name("corpus.yml")
ORDER = 3
DISCOUNT = 0.7
SCENARIO_WEIGHT = 8  # a scenario's own sentences count this many times in its adapted model
_ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # Rasa's [Mrs Patel](person_name)
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
_MONEY = re.compile(r"([£$€])\s?(\d+(?:[.,]\d\d)?)")
_TIME = re.compile(r"\b(\d{1,2})[:.](\d\d)\b")
_NUM = re.compile(r"\d+(?:st|nd|rd|th)?")


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset:
    """The words pocketsphinx's English dictionary can pronounce."""
    return frozenset(_pronunciations(str(dictionary_path())))


def pronounce(word: str) -> str | None:
    """The phones of a word: the dictionary's, or a compound's made of two words it knows ("brightwater" is
    "bright" + "water"), so the company and product names of the scenarios can be heard."""
    known = _pronunciations(str(dictionary_path()))
    if word in known:
        return known[word]
    return _compound(word, known)


def _compound(word: str, known: dict) -> str | None:
    if len(word) < 7 or "'" in word:
        return None
    for i in range(len(word) - 3, 2, -1):  # the longest known head first: "brightwater", not "brig" + "htwater"
        head, tail = word[:i], word[i:]
        if head in known and tail in known:
            return f"{known[head]} {known[tail]}"
    return None


def dictionary_path() -> Path:
    from pocketsphinx import get_model_path

    return Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"


@lru_cache(maxsize=2)
def _pronunciations(path: str) -> dict:
    """word -> phones (the first of its pronunciations) of the dictionary at `path`."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, _, phones = line.strip().partition(" ")
            if phones and "(" not in word:
                out.setdefault(word, phones.strip())
    return out


def compounds(texts) -> dict:
    """word -> phones of the words in `texts` that only a compound's pronunciation can give (the recogniser's
    dictionary gets them before the model that uses them)."""
    known = _pronunciations(str(dictionary_path()))
    out = {}
    for text in texts:
        for w in spoken_words(text):
            if w not in known and w not in out:
                phones = _compound(w, known)
                if phones:
                    out[w] = phones
    return out


def spoken_words(text: str, language: str = "en") -> list[str]:
    """The words a person says when reading `text` aloud: lower case, numbers and amounts in words (an order
    number digit by digit), punctuation gone."""
    from num2words import num2words

    def money(m):
        unit = {"£": "pounds", "$": "dollars", "€": "euros"}[m.group(1)]
        amount = m.group(2).replace(",", ".")
        whole, _, cents = amount.partition(".")
        out = f"{whole} {unit}"
        return out + (f" {int(cents)}" if cents and int(cents) else "")

    def number(m):
        s = m.group(0)
        digits = re.sub(r"\D", "", s)
        if s[-2:] in ("st", "nd", "rd", "th"):
            return num2words(int(digits), to="ordinal", lang=language)
        if len(digits) >= 4 and not (len(digits) == 4 and digits.startswith(("19", "20"))):
            return " ".join(num2words(int(d), lang=language) for d in digits)  # 48213: four eight two one three
        return num2words(int(digits), lang=language)

    text = _ENTITY.sub(r"\1", text)
    text = _MONEY.sub(money, text)
    text = _TIME.sub(lambda m: f"{m.group(1)} {m.group(2) if m.group(2) != '00' else ''}", text)
    text = re.sub(r"(\d)\s?%", r"\1 percent", text)
    text = re.sub(r"(?i)\b(\d{1,2})\s?(am|pm)\b", lambda m: f"{m.group(1)} {' '.join(m.group(2).lower())}", text)
    text = _NUM.sub(number, text)
    text = text.replace("’", "'").replace("&", " and ").lower()
    return re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", text)


def sentences(text: str, language: str = "en", known: frozenset | None = None) -> list[list[str]]:
    """`text` as runs of known words: split at sentence ends and at words the dictionary cannot pronounce."""
    known = dictionary_words() if known is None else known
    out = []
    for part in _SENTENCE.split(text):
        run = []
        for w in spoken_words(part, language):
            if w in known or _compound(w, _pronunciations(str(dictionary_path()))):
                run.append(w)
            elif run:
                out.append(run)
                run = []
        if run:
            out.append(run)
    return out


def _strings(obj):
    if isinstance(obj, str):
        if len(obj.split()) >= 2:
            yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def file_texts(path: Path, kind: str, fields=("text",), language: str | None = None) -> list[str]:
    if kind == "jsonl":
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            out += [row[f] for f in fields if isinstance(row, dict) and isinstance(row.get(f), str)]
        return out
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if language and isinstance(data, dict) and data.get("language", "en") != language:
        return []
    if kind == "nlu":
        return [line.lstrip("- ").strip() for item in (data or {}).get("nlu") or []
                for line in str(item.get("examples") or "").splitlines() if line.strip()]
    return list(_strings(data))


def _sources(language: str):
    """(path, source entry) of every file the language's model is built from."""
    sources = (yaml.safe_load(CORPUS.read_text(encoding="utf-8")) or {}).get(language)
    if not sources:
        raise LookupError(f"no language model corpus for {language!r} in {CORPUS.name}; "
                          f"the recogniser speaks {', '.join(languages())}")
    return [(Path(name), src) for src in sources
            for name in sorted(glob.glob(str(ROOT / src["glob"]), recursive=True))]


def corpus_texts(language: str = "en") -> list[str]:
    return [text for path, src in _sources(language)
            for text in file_texts(path, src["kind"], tuple(src.get("fields") or ("text",)), src.get("language"))]


def languages() -> list[str]:
    return sorted((yaml.safe_load(CORPUS.read_text(encoding="utf-8")) or {}))


class NGramCounts:
    def __init__(self, order: int = ORDER):
        self.order = order
        self.counts = [Counter() for _ in range(order + 1)]  # counts[n][(w1..wn)]

    def add(self, words: list[str], times: int = 1):
        seq = ["<s>", *words, "</s>"]
        for n in range(1, self.order + 1):
            for i in range(len(seq) - n + 1):
                gram = tuple(seq[i:i + n])
                if gram == ("<s>",):
                    continue
                self.counts[n][gram] += times

    def arpa(self, discount: float = DISCOUNT) -> str:
        """Interpolated absolute discounting, written in ARPA's back-off form: a seen n-gram's probability is
        its discounted share plus the back-off mass times the lower order; the back-off weight of a history is
        the mass its discounting freed (so the unseen get exactly what interpolation gives them)."""
        vocab = sorted({g[0] for g in self.counts[1]} | {"<s>"})
        hist = [defaultdict(int) for _ in range(self.order + 1)]  # hist[n][h] = c(h, .) for n-grams
        types = [defaultdict(int) for _ in range(self.order + 1)]  # distinct continuations of h
        for n in range(2, self.order + 1):
            for g, c in self.counts[n].items():
                hist[n][g[:-1]] += c
                types[n][g[:-1]] += 1
        total = sum(c for g, c in self.counts[1].items())
        seen1 = len(self.counts[1])
        v = len(vocab) - 1  # <s> is never predicted
        prob = [dict() for _ in range(self.order + 1)]
        for w in vocab:
            c = self.counts[1].get((w,), 0)
            p = (max(c - discount, 0) / total) + (discount * seen1 / total) / v if w != "<s>" else 0.0
            prob[1][(w,)] = p
        for n in range(2, self.order + 1):
            for g, c in self.counts[n].items():
                h = g[:-1]
                bow = discount * types[n][h] / hist[n][h]
                prob[n][g] = (c - discount) / hist[n][h] + bow * self._lower(prob, g[1:])
        lines = ["\\data\\"] + [f"ngram {n}={len(prob[n])}" for n in range(1, self.order + 1)] + [""]
        for n in range(1, self.order + 1):
            lines.append(f"\\{n}-grams:")
            for g in sorted(prob[n]):
                p = prob[n][g]
                lp = -99.0 if p <= 0 else math.log10(p)
                line = f"{lp:.5f}\t{' '.join(g)}"
                if n < self.order and g in hist[n + 1]:  # a history never seen backs off with weight 1
                    line += f"\t{math.log10(discount * types[n + 1][g] / hist[n + 1][g]):.5f}"
                lines.append(line)
            lines.append("")
        lines.append("\\end\\")
        return "\n".join(lines) + "\n"

    @staticmethod
    def _lower(prob, g):
        """The interpolated probability of g from the orders below (recursively backing off)."""
        while g:
            if g in prob[len(g)]:
                return prob[len(g)][g]
            g = g[1:]
        return 0.0


def build(texts: list[str], extra: list[str] = (), language: str = "en", weight: int = SCENARIO_WEIGHT) -> str:
    """An ARPA model of `texts`, with `extra` (a scenario's own texts) counted `weight` times."""
    counts = NGramCounts()
    known = dictionary_words()
    for text in texts:
        for run in sentences(text, language, known):
            counts.add(run)
    for text in extra:
        for run in sentences(text, language, known):
            counts.add(run, weight)
    return counts.arpa()


def model_dir() -> Path:
    path = settings.var_dir() / "voice"
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_path(language: str = "en", scenario_texts: list[str] = ()) -> Path:
    """The ARPA file for the language (adapted to a scenario when its texts are given), built if missing."""
    h = hashlib.sha256(json.dumps([language, ORDER, DISCOUNT, SCENARIO_WEIGHT, list(scenario_texts)],
                                  ensure_ascii=False).encode())
    h.update(CORPUS.read_bytes())
    for path, _ in _sources(language):  # what went in, read as bytes (quicker than reading the texts)
        h.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    path = model_dir() / f"{language}-{'scenario-' if scenario_texts else ''}{h.hexdigest()[:16]}.arpa"
    if not path.exists() or not words_path(path).exists() or not casing_path(path).exists():
        texts = corpus_texts(language)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(compounds(list(texts) + list(scenario_texts))), encoding="utf-8")
        tmp.replace(words_path(path))
        tmp.write_text(json.dumps(casing(list(texts) + list(scenario_texts) * SCENARIO_WEIGHT)), encoding="utf-8")
        tmp.replace(casing_path(path))
        tmp.write_text(build(texts, scenario_texts, language), encoding="utf-8")
        tmp.replace(path)  # another process building the same model at once writes the same file
    return path


def casing(texts) -> dict:
    """word -> the way it is written inside a sentence when that is not lower case ("anna" -> "Anna",
    "brightwater" -> "Brightwater", "i'm" -> "I'm"): the recogniser hears lower-case words, and a name the
    detector is to see as a name needs its capital. A sentence's first word is not counted (its capital says
    nothing about the word)."""
    forms: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for part in _SENTENCE.split(_ENTITY.sub(r"\1", text)):
            for k, m in enumerate(re.finditer(r"[^\W\d_]+(?:['’][^\W\d_]+)*", part)):
                if k:
                    word = m.group(0).replace("’", "'")
                    forms[word.lower()][word] += 1
    out = {}
    for low, seen in forms.items():
        best, n = seen.most_common(1)[0]
        if best != low and n > seen.get(low, 0) and not best.isupper() or best in ("I", "OK"):
            out[low] = best
    return out


def casing_path(model: Path) -> Path:
    return model.with_suffix(".case.json")


def model_casing(model: Path) -> dict:
    return json.loads(casing_path(model).read_text(encoding="utf-8"))


def words_path(model: Path) -> Path:
    """The compound words (word -> phones) a model uses, kept beside it."""
    return model.with_suffix(".words.json")


def model_words(model: Path) -> dict:
    return json.loads(words_path(model).read_text(encoding="utf-8"))


def scenario_texts(scenario) -> list[str]:
    """What a scenario is about, in words a trainee may say back: its brief, facts, needs and the customer's
    lines (the scenario file's texts; read once per version of the file)."""
    path = getattr(scenario, "path", None)
    if path and Path(path).exists():
        return list(_file_texts(path, Path(path).stat().st_mtime_ns))
    return [str(x) for x in (getattr(scenario, "brief", ""), getattr(scenario, "title", "")) if x]


@lru_cache(maxsize=64)
def _file_texts(path: str, _mtime: int) -> tuple:
    return tuple(file_texts(Path(path), "yaml"))


def word_edits(ref: list, hyp: list) -> int:
    """Words substituted, left out or added between a reference and what was heard (the word error rate's
    numerator: divide by len(ref))."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]
