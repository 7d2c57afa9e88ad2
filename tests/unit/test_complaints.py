"""Which customer messages are complaints: the complaint standards apply from the first one (customer.yml)."""

import pytest
import spacy

from coach.detect.customer import ComplaintDetector

DETECTOR = ComplaintDetector(spacy.blank("en"))


@pytest.mark.parametrize("text", [
    "Is anyone actually there? I waited forty minutes this morning and got nowhere.",
    "is anyone there?? waited 40 mins and my bill has been taken twice",
    "I was cut off after half an hour yesterday.",
    "You've charged me twice for this month.",
    "My parcel still hasn't arrived.",
    "I'VE BEEN WAITING ALL DAY FOR YOUR ENGINEER",
    "Our cups were due on Tuesday and nobody has told us a thing.",
    "Your website went down twice while I was paying.",
    "What's the Lite missing? The charger was missing from my last one too.",
])
def test_complaints(text):
    assert DETECTOR.is_complaint(text)


@pytest.mark.parametrize("text", [
    "Hi, can you tell me more about the City+ bike?",
    "Thanks, is that all paid up now?",
    "Two desks, for me and my partner.",
    "So what's the Lite missing then?",
    "Two dogs and a teenager, so when I sit down I want to actually relax.",
    "£649 is a lot of money. What's the best price you can do?",
    "",
])
def test_not_complaints(text):
    assert not DETECTOR.is_complaint(text)
