"""Practice sessions as a service: starting one, a trainee's turn, call events, ending, "Retry from turn N",
answering a reply sent again, and the phrase drill. Plain Python over the simulator, the detector, the
standards and the storage; the bot's actions only adapt Rasa to it (no Rasa, no Streamlit here).

    practice = Practice(coach.resources)
    answer = practice.turn(memory, "I'm sorry you were kept waiting.", message_id="m-1")
    send(answer.text, answer.payload); remember(answer.remember)

Every turn is committed to the database before the answer is returned, so before the customer's reply is
sent; a staff reply sent again with the same message id is answered from the record, not stored twice.
"""

from coach.practice.memory import Answer, Memory, PracticeError
from coach.practice.sessions import Practice

__all__ = ["Answer", "Memory", "Practice", "PracticeError"]
