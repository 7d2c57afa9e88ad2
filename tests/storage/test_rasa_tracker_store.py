"""Rasa's SQL tracker store shares the coach's database (endpoints.yml: tracker_store) without getting in
the way of migrations, and a person's deletion removes Rasa's copy of their conversations too."""

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from coach.storage import migrate
from coach.storage import services as sv
from coach.storage.db import tracker_store_settings
from coach.storage.models import Base


def _rasa_store(url):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    settings = {k: v for k, v in tracker_store_settings(url).items() if k != "type"}
    return SQLTrackerStore(Domain.empty(), **settings)


def _save_conversation(store, sender, user_text):
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker(sender, [])
    tracker.update(UserUttered(user_text))
    tracker.update(BotUttered("You had better sort this out."))
    asyncio.run(store.save(tracker))


def test_rasa_events_live_beside_the_coach_tables_and_leave_with_the_person(db, company):
    store = _rasa_store(db.url)
    _save_conversation(store, "conv-anna", "Hello, I'm Anna from the Leeds branch")
    _save_conversation(store, "conv-omar", "Hi, Omar here")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(DISTINCT sender_id) FROM events")).scalar() == 2
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": migrate.include_object})
        assert compare_metadata(ctx, Base.metadata) == []
    with db.uow() as uow:
        sv.start_session(uow, person_id=company["anna"], scenario_id="kept_waiting", scenario_version="1",
                         channel="chat", rasa_conversation_id="conv-anna")
        summary = sv.delete_person(uow, company["anna"])
        uow.commit()
    assert summary["rasa_events_deleted"] >= 2
    with db.engine.connect() as conn:
        senders = conn.execute(text("SELECT DISTINCT sender_id FROM events")).scalars().all()
    assert senders == ["conv-omar"]
    store.engine.dispose()


def test_tracker_store_settings_split_the_database_url():
    assert tracker_store_settings("sqlite:////srv/coach/var/coach.db") == {
        "type": "SQL", "dialect": "sqlite", "db": "/srv/coach/var/coach.db"}
    assert tracker_store_settings("postgresql://coach:pw@db.internal:5433/coach") == {
        "type": "SQL", "dialect": "postgresql", "url": "db.internal", "db": "coach", "port": 5433,
        "username": "coach", "password": "pw"}
