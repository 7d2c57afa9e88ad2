"""The detector's cue data for one language, read from coach/detect/lexicons/<code>/ and checked at load.

A language folder holds words.yml (named word lists), phrases.yml (label -> brace templates),
patterns.yml (label -> token patterns in spaCy's Matcher format) and customer.yml (complaint templates),
and language.yml (the language's name); spellings.yml (optional) says how hurried spellings read ("u" as
"you"). Adding a language needs only a new folder. A mistake in a file
stops the load with the file, the key and what would be right, e.g.
"lexicons/en/patterns.yml: solution[3][0].LOWER.IN: unknown word list $solution_verb; known: ...".
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Literal, Optional, Union

import yaml
from pydantic import BaseModel, Field, StrictBool, StrictStr, ValidationError, root_validator

from coach import yamlload
from coach.behaviors import TAG_SET
from coach.detect.spellings import SpellingsFile

LEXICONS = Path(__file__).parent / "lexicons"
FILES = ("language.yml", "words.yml", "phrases.yml", "patterns.yml", "customer.yml")
OPTIONAL_FILES = ("spellings.yml",)  # hurried spellings read as words (coach/detect/spellings.py)

# The word lists the resolvers and helpers read by name (words.<name>); every language must define them.
WORD_LISTS = (
    "negation_cues", "negation_triggers", "favourable_negated", "not_a_refusal", "unavailable_heads",
    "refusal_auxiliaries", "staff_subjects", "known_subjects", "negation_fillers", "subject_adverbs",
    "no_heads", "relative_heads", "alternative_openers", "regret_words", "contact_verbs", "help_content_words",
    "time_words", "duration_words", "future_markers", "scheduled_verbs", "time_prepositions", "own_actions",
    "question_openers", "lead_in_words", "detail_words", "team_nouns", "handover_verbs", "team_follow_verbs",
    "ask_to_verbs",
    "return_auxiliaries",
    "return_subjects",
    "customer_fault_verbs", "third_parties", "fault_words", "damage_verbs", "doers", "duty_verbs",
    "evaluative_words", "evaluative_leads", "name_stop_words", "common_acronyms", "jargon", "common_words",
    "waited_long_cues", "signoff_words", "signature_team_words", "conditional_openers", "finding_verbs",
    "clause_joiners", "contrast_words", "customer_pronouns", "sarcastic_praise", "private_marks", "public_marks",
)
# ... of which a language without resolvers of its own (resolvers: cues) needs only these
CUE_WORD_LISTS = ("negation_cues", "jargon", "common_words", "common_acronyms")

_BRACES = re.compile(r"\{([^{}]*)\}")


class LexiconError(ValueError):
    """A language folder that cannot be used; the message names the file and the key."""


def expand(template):
    """All phrases a brace template stands for, in order (braces may nest):
    "how {can|may} {i|we} help" gives four phrases; "{so |}sorry" gives "so sorry" and "sorry"."""
    m = _BRACES.search(template)  # an innermost group: no braces inside it
    if not m:
        phrase = " ".join(template.split())
        return [phrase] if phrase else []
    out = []
    for alt in m.group(1).split("|"):
        out.extend(expand(template[: m.start()] + alt + template[m.end():]))
    return list(dict.fromkeys(out))


MAX_TEMPLATE_PHRASES = 100_000  # what one template may expand into: more is a slip, and costs seconds and memory


def expansion_size(template):
    """How many phrases a brace template expands into, counted without expanding it (duplicates counted too): the
    product of its groups' alternatives. "{never|not} {ask|need} {your|the} {pin|cvv}" is 16. A brace that closes
    nothing, or a bar outside braces, is text, as expand() reads it."""

    def sequence(i, depth):
        count = 1
        while i < len(template):
            ch = template[i]
            if depth and ch in "|}":
                return count, i
            if ch == "{" and template.find("}", i) != -1:
                total, i = 0, i + 1
                while True:
                    size, i = sequence(i, depth + 1)
                    total += size
                    if i >= len(template) or template[i] == "}":
                        break
                    i += 1  # past the bar
                count *= total
            i += 1
        return count, i

    return sequence(0, 0)[0]


def template_error(template, limit=MAX_TEMPLATE_PHRASES):
    """What is wrong with a brace template before it is expanded, or None: unbalanced braces, or more than `limit`
    phrases."""
    if template.count("{") != template.count("}"):
        return f"{template!r} has unbalanced braces"
    size = expansion_size(template)
    if size > limit:
        return (f"{template[:80]!r}... expands into {size:,} phrases (at most {limit:,}): split it into templates "
                "with fewer alternatives each, or name fewer alternatives")
    return None


# -- file schemas -------------------------------------------------------------------------------------

Words = Union[StrictStr, List[StrictStr]]  # "$name" of a word list, or words and "$name"s to include


class WordSet(BaseModel):
    """The value of LOWER / ORTH / TEXT when it is not one word: exactly one of IN, NOT_IN, FORMS."""

    IN: Optional[Words]
    NOT_IN: Optional[Words]
    FORMS: Optional[Words]  # every inflected form of these lemmas (LOWER only)

    class Config:
        extra = "forbid"

    @root_validator(skip_on_failure=True)
    def one_key(cls, values):
        given = [k for k, v in values.items() if v is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of IN, NOT_IN, FORMS (got {', '.join(given) or 'none'})")
        return values


class TokenSpec(BaseModel):
    """One token of a pattern, as spaCy's Matcher has it (the attributes coach/detect/patterns.py supports)."""

    LOWER: Optional[Union[StrictStr, WordSet]]
    ORTH: Optional[Union[StrictStr, WordSet]]
    TEXT: Optional[Union[StrictStr, WordSet]]
    IS_ALPHA: Optional[StrictBool]
    IS_DIGIT: Optional[StrictBool]
    IS_TITLE: Optional[StrictBool]
    IS_PUNCT: Optional[StrictBool]
    IS_UPPER: Optional[StrictBool]
    IS_SENT_START: Optional[StrictBool]
    LIKE_NUM: Optional[StrictBool]
    LIKE_URL: Optional[StrictBool]
    OP: Optional[Literal["?", "*", "+", "!"]]

    class Config:
        extra = "forbid"


class LanguageFile(BaseModel):
    name: StrictStr
    # the language's name in itself, shown where a trainee picks the language they practise in ("Русский")
    native: StrictStr = ""
    # "rules": the English resolvers (coach/detect/resolvers/) judge the cues in context and read every list of
    # WORD_LISTS; "cues": a tag is its cue phrases less the wordings that take one back (x-not-<tag>), and the
    # learned model judges the rest (a language added as data, without resolvers of its own)
    resolvers: Literal["rules", "cues"] = "rules"
    # "lookup": spaCy's lemma table (spacy-lookups-data); "pymorphy3": pymorphy3 and its dictionary package;
    # "simplemma": simplemma's table of the language. With either of the last two, cues are matched on lemmas
    # (coach/detect/morph.py: LEMMATISERS; the learned model reads the words as written)
    lemmatizer: Literal["lookup", "pymorphy3", "simplemma"] = "lookup"
    # the learned model's inverse regularisation strength (scikit-learn's C), chosen per language on its
    # development replies: fewer training replies or more word forms may want another value
    model_c: float = Field(4.0, gt=0)
    # the letters of the language's alphabet (optional): a reply with letters of the same script that the alphabet
    # lacks is flagged as another language (Ukrainian "і", "ї", "є", "ґ" in a Russian reply)
    letters: StrictStr = ""
    # a prefix that negates a verb in one word (Latvian «ne»: «nevaram», «nevarēsim»): a word that starts with it
    # keeps it on its lemma when the lemmatiser drops it («nevaram» -> «nevarēt», not «varēt»), so a cue written
    # «varam palīdzēt» never finds «nevaram palīdzēt»
    negation_prefix: StrictStr = ""

    class Config:
        extra = "forbid"


class WordsFile(BaseModel):
    __root__: Dict[StrictStr, List[StrictStr]]


class PhrasesFile(BaseModel):
    __root__: Dict[StrictStr, List[StrictStr]]


class PatternsFile(BaseModel):
    __root__: Dict[StrictStr, List[List[TokenSpec]]]


class CustomerFile(BaseModel):
    complaint: List[StrictStr]
    not_complaint: List[StrictStr] = []  # wordings a complaint cue inside of does not count

    class Config:
        extra = "forbid"


# -- the loaded lexicon -------------------------------------------------------------------------------

class WordLists:
    """Named word lists as attributes (words.team_nouns); only the names in WORD_LISTS exist."""

    __slots__ = WORD_LISTS

    def __init__(self, lists):
        for name in WORD_LISTS:
            setattr(self, name, lists.get(name, frozenset()))


@dataclass(frozen=True)
class Lexicon:
    code: str
    name: str
    words: WordLists
    lists: dict  # every named word list, frozenset by name (words.yml may define more than WORD_LISTS)
    phrases: dict  # label -> tuple of templates
    patterns: dict  # label -> tuple of patterns; word lists resolved, FORMS still to expand
    complaints: tuple  # customer complaint templates
    not_complaints: tuple  # ... and wordings that take a complaint cue inside them back ("what's it missing?")
    files: tuple  # the files read, for the detector's version hash
    spellings: dict = field(default_factory=dict)  # words, clitics, splits (split "before" lists resolved)
    resolvers: str = "rules"  # language.yml: "rules" or "cues"
    lemmatizer: str = "lookup"  # language.yml: "lookup", "pymorphy3" or "simplemma"
    native: str = ""  # language.yml: the language's name in itself
    model_c: float = 4.0  # language.yml: the learned model's C
    letters: frozenset = frozenset()  # language.yml: the alphabet, lower case (empty: not checked)
    negation_prefix: str = ""  # language.yml: a verb's negating prefix, kept on its lemma

    def expanded(self, label):
        """Phrases of one label with every template expanded."""
        out = []
        for template in self.phrases.get(label, ()):
            out.extend(expand(template))
        return out

    def token_patterns(self, forms=lambda lemmas: lemmas):
        """Patterns in spaCy's Matcher format; forms(lemmas) gives every inflected form of the lemmas."""
        return {label: [[_matcher_token(spec, forms) for spec in pattern] for pattern in patterns]
                for label, patterns in self.patterns.items()}


def _matcher_token(spec, forms):
    out = {}
    for key, value in spec.items():
        if isinstance(value, dict) and "FORMS" in value:
            out[key] = {"IN": sorted(forms(value["FORMS"]))}
        elif isinstance(value, dict):
            out[key] = {op: sorted(words) for op, words in value.items()}
        else:
            out[key] = value
    return out


@functools.lru_cache(maxsize=None)
def load_lexicon(code: str = "en") -> Lexicon:
    """Read and check the language folder lexicons/<code>/; LexiconError says what is wrong where."""
    folder = LEXICONS / code
    if not folder.is_dir():
        known = sorted(p.name for p in LEXICONS.iterdir() if p.is_dir())
        raise LexiconError(f"lexicons/{code}: no such language folder; known: {', '.join(known)}")
    language = _parse(folder, "language.yml", LanguageFile)
    required = WORD_LISTS if language.resolvers == "rules" else CUE_WORD_LISTS
    lists = _word_lists(folder, _parse(folder, "words.yml", WordsFile).__root__, required)
    phrases = _phrases(folder, _parse(folder, "phrases.yml", PhrasesFile).__root__)
    patterns = _patterns(folder, _parse(folder, "patterns.yml", PatternsFile).__root__, lists)
    customer = _parse(folder, "customer.yml", CustomerFile)
    complaints = customer.complaint
    _check_templates(_where(folder, "customer.yml"), {"complaint": complaints, "not_complaint": customer.not_complaint})
    spellings = _spellings(folder, lists)
    files = [folder / f for f in FILES] + [folder / f for f in OPTIONAL_FILES if (folder / f).is_file()]
    return Lexicon(code=code, name=language.name, native=language.native or language.name, words=WordLists(lists),
                   lists=lists, phrases=phrases,
                   patterns=patterns, complaints=tuple(complaints), not_complaints=tuple(customer.not_complaint),
                   files=tuple(files), spellings=spellings, resolvers=language.resolvers,
                   lemmatizer=language.lemmatizer, model_c=language.model_c,
                   letters=frozenset(language.letters.lower()),
                   negation_prefix=language.negation_prefix.lower())


def _spellings(folder, lists):
    """spellings.yml, if the language has one, with each split's parts checked and its $lists resolved."""
    if not (folder / "spellings.yml").is_file():
        return {}
    where = _where(folder, "spellings.yml")
    parsed = _parse(folder, "spellings.yml", SpellingsFile)
    splits = {}
    for typed, split in parsed.splits.items():
        if "".join(split.into) != typed.lower() or len(split.into) < 2:
            raise LexiconError(f"{where}: splits.{typed}.into: the parts {split.into} must spell {typed.lower()!r} "
                               "in order, in two or more parts")
        splits[typed.lower()] = {"into": split.into,
                                 "before": _words(split.before, lists, where, f"splits.{typed}.before")}
    return {"words": parsed.words, "clitics": parsed.clitics, "splits": splits}


def _where(folder, filename):
    return f"lexicons/{folder.name}/{filename}"


def _parse(folder, filename, model):
    """One YAML file through its pydantic model; errors name the file and the key."""
    where = _where(folder, filename)
    path = folder / filename
    if not path.is_file():
        raise LexiconError(f"{where}: missing; a language folder needs {', '.join(FILES)}")
    try:
        data = yamlload.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise LexiconError(f"{where}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    try:
        return model.parse_obj(data if data is not None else {})
    except ValidationError as exc:
        problems = [f"{_key(e['loc'])}: {_explain(e)}" for e in exc.errors()]
        raise LexiconError(f"{where}: " + f"\n{where}: ".join(dict.fromkeys(problems))) from None


def _key(loc):
    """('__root__', 'solution', 3, 0, 'LOWER') -> 'solution[3][0].LOWER'."""
    out = ""
    for part in loc:
        if part == "__root__":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _explain(error):
    msg = error["msg"]
    if error["type"] == "type_error.str":
        msg += " (YAML reads no, yes, on, off, true, false and numbers as other types: put the word in quotes)"
    elif error["type"] == "value_error.extra":
        msg = "unknown key"
    return msg


def _unknown_list(where, key, name, lists):
    close = difflib.get_close_matches(name, list(lists), n=1)
    hint = f" (did you mean ${close[0]}?)" if close else ""
    raise LexiconError(f"{where}: {key}: unknown word list ${name}{hint}; known: "
                       + ", ".join(f"${n}" for n in sorted(lists)))


def _word_lists(folder, raw, required=WORD_LISTS):
    """Resolve "$name" entries (a list included in another) and check the detector's lists are there."""
    where = _where(folder, "words.yml")
    resolved = {}

    def resolve(name, path):
        if name in resolved:
            return resolved[name]
        if name in path:
            raise LexiconError(f"{where}: {name}: includes itself through " + " -> ".join(path + (name,)))
        words = []
        for k, word in enumerate(raw[name]):
            if word.startswith("$") and len(word) > 1:
                if word[1:] not in raw:
                    _unknown_list(where, f"{name}[{k}]", word[1:], raw)
                words.extend(resolve(word[1:], path + (name,)))
            else:
                words.append(word)
        resolved[name] = list(dict.fromkeys(words))
        return resolved[name]

    for name in raw:
        resolve(name, ())
    missing = [n for n in required if n not in raw]
    if missing:
        raise LexiconError(f"{where}: missing word list(s) {', '.join(missing)}; the detector reads them by name")
    return {name: frozenset(words) for name, words in resolved.items()}


def _check_label(where, label):
    if label not in TAG_SET and not label.startswith("x-"):
        raise LexiconError(f"{where}: {label}: not a behaviour tag nor an auxiliary cue (x-...); tags: "
                           + ", ".join(sorted(TAG_SET)))


def _check_templates(where, templates):
    for label, items in templates.items():
        for k, template in enumerate(items):
            error = template_error(template) or (None if expand(template) else f"{template!r} has no words")
            if error:
                raise LexiconError(f"{where}: {label}[{k}]: {error}")


def _phrases(folder, raw):
    where = _where(folder, "phrases.yml")
    for label in raw:
        _check_label(where, label)
    _check_templates(where, raw)
    return {label: tuple(templates) for label, templates in raw.items()}


def _patterns(folder, raw, lists):
    """Token specs as plain dicts, with every "$name" replaced by the words of that list."""
    where = _where(folder, "patterns.yml")
    out = {}
    for label, patterns in raw.items():
        _check_label(where, label)
        out[label] = []
        for p, pattern in enumerate(patterns):
            if not pattern:
                raise LexiconError(f"{where}: {label}[{p}]: an empty pattern matches nothing")
            specs = []
            for t, token in enumerate(pattern):
                spec = token.dict(exclude_none=True)
                for attr, value in spec.items():
                    if isinstance(value, dict):
                        (op, words), = value.items()
                        if op == "FORMS" and attr != "LOWER":
                            raise LexiconError(f"{where}: {label}[{p}][{t}].{attr}: FORMS works on LOWER only")
                        spec[attr] = {op: _words(words, lists, where, f"{label}[{p}][{t}].{attr}.{op}")}
                specs.append(spec)
            out[label].append(specs)
    return {label: tuple(patterns) for label, patterns in out.items()}


def _words(value, lists, where, key):
    """A pattern's word list: "$name", or words with "$name"s spliced in; literal order and repeats kept."""
    items = [value] if isinstance(value, str) else value
    if isinstance(value, str) and not value.startswith("$"):
        raise LexiconError(f"{where}: {key}: give a list of words or a word list's $name, not {value!r}")
    words = []
    for item in items:
        if item.startswith("$") and len(item) > 1:
            if item[1:] not in lists:
                _unknown_list(where, key, item[1:], lists)
            words.extend(sorted(lists[item[1:]]))
        else:
            words.append(item)
    return words
