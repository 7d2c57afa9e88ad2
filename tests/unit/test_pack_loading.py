"""A malformed pack fails at load time naming the file, line and key, and what is expected."""

import re
import shutil

import pytest

from coach.standards import DEFAULT_PACK, PackError, load_pack, pack_folder
from coach.standards.pack import pack_languages


@pytest.fixture
def pack_copy(tmp_path):
    dst = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, dst)
    return dst


def _rule(dst, rid="PH001"):
    return next((dst / "rules").rglob(f"{rid}-*.yml"))


def test_default_pack_loads_with_enough_rules(pack):
    assert len(pack.rules) >= 40
    assert {r.category for r in pack.rules} == {"phrasing", "telephone", "complaint", "courtesy"}
    assert len({r.id for r in pack.rules}) == len(pack.rules)
    assert all(len(r.examples["pass"]) >= 2 and len(r.examples["fail"]) >= 2 for r in pack.rules)
    assert len(pack.version) == 12


DOCUMENT = (r"(Swedish B2B service guide|Ukrainian service models article|Latvian service strategies article|"
            r"Russian customer-experience articles|Russian six rules of service) \((00[0-4])\), "
            r"(line \d+|lines \d+(-\d+)?( and \d+(-\d+)?)*)")


@pytest.mark.parametrize("language", pack_languages())
def test_every_standard_names_its_source_in_words(language):
    """In every language's pack, a reader follows a standard's `source` to a named document of ../shared/seeds
    (its number in brackets) and a line there, or is told it is not from them (the whole source, or the part of it
    a pack adds: «the polite «Ви» itself is not in the source documents: ...»); never a bare code such as
    `000:246`."""
    for r in load_pack(pack_folder(language)).rules:
        if r.source.startswith("not in the source documents: "):
            continue
        for part in r.source.split("; "):
            assert re.fullmatch(DOCUMENT, part) or " not in the source documents: " in part, (language, r.id, part)


def _assert_same_standards(language):
    """The pack of `language` is the Russian one's standards in its own words: the same ids, names, categories, types,
    severities, weights, where they apply and what they check (only the words differ: phrases, patterns, swaps),
    and the same overlaps and scoring, so a score means the same in either language."""
    ru, other = load_pack(pack_folder("ru")), load_pack(pack_folder(language))
    words = ("phrases", "patterns", "swap")

    def shape(rule):
        return (rule.name, rule.category, rule.type, rule.severity, rule.weight, rule.applies,
                {k: v for k, v in rule.spec.items() if k not in words}, sorted(k for k in rule.spec if k in words))

    assert {r.id: shape(r) for r in other.rules} == {r.id: shape(r) for r in ru.rules}
    assert (other.overlaps, other.overlap_share, other.category_weights, other.severity_factors, other.half_life,
            other.repeat_share, other.repeat_max) == (ru.overlaps, ru.overlap_share, ru.category_weights,
                                                      ru.severity_factors, ru.half_life, ru.repeat_share, ru.repeat_max)
    assert all(len(r.examples["pass"]) >= 2 and len(r.examples["fail"]) >= 2 for r in other.rules)


def test_the_ukrainian_pack_has_the_russian_standards():
    """The Ukrainian pack is the Russian one's standards in Ukrainian, so a score means the same in either language."""
    _assert_same_standards("uk")


def test_the_swedish_pack_has_the_russian_standards():
    """The Swedish pack is the Russian one's standards in Swedish (du as the register; where a Russian point such as
    the diminutives does not carry over, the rule keeps its shape and asks what a Swedish guide would), so a score
    means the same in every language."""
    _assert_same_standards("sv")


def test_the_latvian_pack_has_the_russian_standards():
    """The Latvian pack is the Russian one's standards in Latvian (Jūs as the register, as Вы is in Russian: Latvian has
    the same distinction; where a point needed a Latvian shape, the rule says so), so a score means the same in every
    language. Its rules name the staff and customer signals, so it loads once Latvian is a configured language
    (coach/detect/lexicons/lv/, with signals.yml)."""
    _assert_same_standards("lv")


def test_version_changes_with_content(pack_copy):
    v1 = load_pack(pack_copy).version
    path = _rule(pack_copy)
    path.write_text(path.read_text().replace("weight: 6", "weight: 5"))
    assert load_pack(pack_copy).version != v1


def test_bad_severity_names_file_line_and_choices(pack_copy):
    path = _rule(pack_copy)
    lines = path.read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("severity:"))
    lines[n] = "severity: urgent"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(PackError) as exc:
        load_pack(pack_copy)
    msg = str(exc.value)
    assert f"{path}:{n + 1}:" in msg and "severity" in msg and "info, minor, major, critical" in msg


def test_malformed_yaml_names_the_line(pack_copy):
    path = _rule(pack_copy)
    path.write_text("id: PH001\ntitle: [unclosed\n")
    with pytest.raises(PackError) as exc:
        load_pack(pack_copy)
    assert str(path) in str(exc.value) and "not valid YAML" in str(exc.value)


def test_unknown_behaviour_tag(pack_copy):
    path = next((pack_copy / "rules").rglob("CO010-*.yml"))
    path.write_text(path.read_text().replace("[blame]", "[blaming]"))
    with pytest.raises(PackError, match="unknown behaviour tag.*blaming"):
        load_pack(pack_copy)


def test_duplicate_id(pack_copy):
    src = _rule(pack_copy)
    shutil.copy(src, src.with_name("PH999-copy.yml"))
    with pytest.raises(PackError, match="already used"):
        load_pack(pack_copy)


def test_too_few_examples(pack_copy):
    path = _rule(pack_copy)
    text = path.read_text()
    path.write_text(text[: text.index("examples:")] + "examples:\n  pass: [\"Fine.\"]\n  fail: [\"No.\", \"Never.\"]\n")
    with pytest.raises(PackError, match="examples.pass: expected a list of two or more"):
        load_pack(pack_copy)


def test_missing_folder_and_binary_file(tmp_path, pack_copy):
    with pytest.raises(PackError, match="not a folder"):
        load_pack(tmp_path / "nope")
    _rule(pack_copy).write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(PackError, match="not UTF-8"):
        load_pack(pack_copy)


def test_a_company_pack_adds_jargon_without_python(pack_copy):
    from coach.standards import Scorer
    from coach.transcript import parse_transcript

    manifest = pack_copy / "pack.yml"
    manifest.write_text(manifest.read_text().replace("jargon:\n", "jargon:\n  - FLUXCAP\n", 1))
    scorer = Scorer(load_pack(pack_copy))
    card = scorer.score(parse_transcript({"turns": [{"speaker": "staff",
                                                     "text": "Your FLUXCAP is being recalibrated."}]}))
    assert any(f.span and f.span["text"] == "FLUXCAP" for f in card.findings)


def test_pack_patterns_may_use_lemmas(pack_copy):
    from coach.standards import Scorer
    from coach.transcript import parse_transcript

    rule = _rule(pack_copy)
    text = rule.read_text()
    rule.write_text(text.replace("  patterns:\n", "  patterns:\n    - [{LEMMA: \"refuse\"}]\n", 1))
    scorer = Scorer(load_pack(pack_copy))
    card = scorer.score(parse_transcript({"turns": [{"speaker": "staff", "text": "We refused your claim."}]}))
    assert any(f.rule == "PH001" and f.span["text"] == "refused" for f in card.findings)


def test_a_wait_without_what_starts_it_names_the_file_and_key(pack_copy):
    """A 'wait' timing rule with no `after` would never fire: the pack refuses it at load, saying what is missing."""
    path = next((pack_copy / "rules").rglob("CT026-*.yml"))
    path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("  after:")), encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_pack(pack_copy)
    assert str(path) in str(exc.value) and "after" in str(exc.value) and "hold_or_transfer" in str(exc.value)
