"""Rasa's SQL tracker store, made to survive a database restart (endpoints.yml `tracker_store.type`).

Rasa 3.6's SQLTrackerStore keeps pooled connections without checking them, and Rasa wraps every tracker
store in a fail-safe that treats a conversation it could not read as a new, empty one. After a PostgreSQL
restart the first read on a dead connection would therefore start the trainee's conversation afresh. This
store checks a connection before use (`pool_pre_ping`, as the coach's own engine does) and tries a failed
read or write again for a few seconds, so a restart costs a moment, not the conversation. The coach's
actions can still rebuild a session from the application database if the tracker ever loses it.
"""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
ATTEMPTS = 4
WAIT = 0.5  # seconds before the second attempt; doubled each time (0.5 + 1 + 2 = 3.5 s at most)


class CoachSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _again(self, what, call):
        wait = WAIT
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await call()
            except DBAPIError as exc:
                if attempt == ATTEMPTS:
                    raise
                log.warning("tracker store: %s failed (%s); trying again in %.1f s", what,
                            str(exc.orig).splitlines()[0] if exc.orig else exc.__class__.__name__, wait)
                await asyncio.sleep(wait)
                wait *= 2

    async def retrieve(self, sender_id):
        return await self._again("reading a conversation",
                                 lambda: super(CoachSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, sender_id):
        return await self._again("reading a conversation",
                                 lambda: super(CoachSQLTrackerStore, self).retrieve_full_tracker(sender_id))

    async def save(self, tracker):
        return await self._again("saving a conversation", lambda: super(CoachSQLTrackerStore, self).save(tracker))
