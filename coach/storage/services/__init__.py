"""What the bot and the panel do with the records: plain functions taking values and a unit of work.

Functions never commit; the caller does (`with db.uow() as uow: ...; uow.commit()`), so a group of writes
lands together or not at all. They return plain dicts and ids, never ORM objects, so nothing depends on
a session that has been closed. Bad input raises InvalidRecord / NotFound / Conflict /
UnknownStandardsVersion with a message naming the field and what would be right.

One module per concern: people (accounts, teams, passwords), sessions (practice turn by turn), scoring
(standards versions, scorecards, rescoring), reviews (trainers' reviews, four eyes), company_settings,
standings (progress over time, leaderboards), awards, privacy (export and erasure on request); common holds
the value checks and the audit log they share. Everything a caller needs is importable from here.
"""

from coach.storage.services.awards import record_award
from coach.storage.services.common import MAX_ID, as_utc, audit
from coach.storage.services.company_settings import (
    SETTINGS,
    FourEyes,
    Recordings,
    get_setting,
    needs_second_approver,
    set_setting,
)
from coach.storage.services.people import (
    MIN_PASSWORD,
    check_password,
    create_person,
    create_team,
    find_person,
    get_person,
    hash_password,
    list_people,
    list_teams,
    set_language,
    update_person,
)
from coach.storage.services.privacy import REDACTED, delete_person, export_person
from coach.storage.services.reviews import approve_review, approved_overrides, record_review
from coach.storage.services.scoring import (
    RescorePlan,
    plan_rescore,
    record_scorecard,
    register_standards,
    rescore_batch,
    score_session,
    session_transcript,
)
from coach.storage.services.sessions import (
    MESSAGE_ID,
    REVIEW_FILTERS,
    abandon_stale,
    append_turn,
    append_turns,
    end_session,
    keep_recording,
    list_sessions,
    recording,
    recordings_of,
    resume_session,
    retry_prefix,
    session_detail,
    session_for_conversation,
    session_turns,
    start_session,
    turn_state,
)
from coach.storage.services.standings import leaderboard, progress

__all__ = [
    "MAX_ID", "MESSAGE_ID", "MIN_PASSWORD", "REDACTED", "REVIEW_FILTERS", "SETTINGS", "FourEyes", "Recordings",
    "RescorePlan", "keep_recording", "recording", "recordings_of",
    "abandon_stale", "append_turn", "append_turns", "approve_review", "approved_overrides", "as_utc", "audit",
    "check_password",
    "create_person", "create_team", "delete_person", "end_session", "export_person", "find_person", "get_person",
    "get_setting", "hash_password", "leaderboard", "list_people", "list_sessions", "list_teams",
    "needs_second_approver", "plan_rescore", "progress", "record_award", "record_review", "record_scorecard",
    "register_standards", "rescore_batch", "resume_session", "retry_prefix", "score_session", "session_detail",
    "session_for_conversation", "session_transcript", "session_turns", "set_setting", "start_session", "turn_state",
    "set_language", "update_person",
]
