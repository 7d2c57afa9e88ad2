"""Service standards as data: packs of YAML rules and the engine that scores transcripts against them."""

from coach.standards.engine import Analysis, Finding, Scorecard, Scorer
from coach.standards.pack import DEFAULT_PACK, Pack, PackError, Rule, load_pack, pack_folder

__all__ = ["Analysis", "Finding", "Scorecard", "Scorer", "DEFAULT_PACK", "Pack", "PackError", "Rule", "load_pack",
           "pack_folder"]
