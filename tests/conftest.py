"""Shared fixtures: one standards pack and one scorer for the session (building them takes a second)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def pack():
    from coach.standards import load_pack

    return load_pack()


@pytest.fixture(scope="session")
def scorer(pack):
    from coach.standards import Scorer

    return Scorer(pack)


@pytest.fixture(scope="session")
def detector(pack):
    from coach.detect import shared_detector

    return shared_detector(tuple(pack.jargon))
