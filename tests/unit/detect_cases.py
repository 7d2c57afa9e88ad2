"""The detector's named pass and fail replies per tag (tests/unit/detect_fixtures/<tag>.yml for English,
detect_fixtures/<lang>/<tag>.yml for a language added as data), read once for each language's fixture test."""

from pathlib import Path

import pytest
import yaml

from coach.behaviors import TAGS

FIXTURES = Path(__file__).parent / "detect_fixtures"


def fixture_files(language: str = "en") -> dict:
    """tag -> the parsed fixture file of a language."""
    folder = FIXTURES if language == "en" else FIXTURES / language
    return {tag: yaml.safe_load((folder / f"{tag}.yml").read_text(encoding="utf-8")) for tag in TAGS}


def fixture_cases(files: dict, language: str = "en") -> list:
    """One pytest.param(tag, kind, case) per named reply, its id "<lang>-<tag>-<kind>-<name>" (no prefix in English)."""
    prefix = "" if language == "en" else f"{language}-"
    return [pytest.param(tag, kind, case, id=f"{prefix}{tag}-{kind}-{name}")
            for tag, data in files.items() for kind in ("pass", "fail") for name, case in data[kind].items()]
