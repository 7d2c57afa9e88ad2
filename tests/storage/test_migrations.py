"""Migrations build the schema from nothing and take it away again; models and migrations agree."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from coach.storage import DatabaseUnavailable, migrate
from coach.storage import services as sv
from coach.storage.models import Base

APP_TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_from_empty_agrees_with_the_models_and_downgrades_cleanly(empty_db, kind):
    db = empty_db(kind)
    assert migrate.current_revision(db) is None
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision()
    assert APP_TABLES <= set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": migrate.include_object})
        assert compare_metadata(ctx, Base.metadata) == []
    migrate.downgrade(db, "base")
    assert not APP_TABLES & set(inspect(db.engine).get_table_names())
    migrate.upgrade(db)  # and up again, on the same database
    assert APP_TABLES <= set(inspect(db.engine).get_table_names())


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_rasa_tracker_events_in_the_same_database_survive_migrations(empty_db, kind):
    db = empty_db(kind)
    with db.engine.begin() as conn:  # Rasa's SQL tracker store created its table first
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                          "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, data TEXT)"))
        conn.execute(text("INSERT INTO events (id, sender_id, type_name) VALUES (1, 'c1', 'user')"))
    migrate.upgrade(db)
    migrate.downgrade(db, "base")
    migrate.upgrade(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events")).scalar() == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_without_schema_says_to_run_upgrade(empty_db, kind):
    db = empty_db(kind)
    with pytest.raises(DatabaseUnavailable, match="has no schema; run `coach db upgrade`"):
        migrate.ensure_schema(db)
    with pytest.raises(DatabaseUnavailable, match="no schema yet .*run `coach db upgrade`"):
        with db.uow() as uow:
            sv.create_team(uow, "Billing")
