"""Rasa's Redis lock store, made atomic (endpoints.yml `lock_store.type` when COACH_REDIS_URL is set).

Rasa 3.6's RedisLockStore reads a conversation's ticket lock, changes it in Python and writes it back with
plain GET and SET. Two Rasa replicas that take a message of the same conversation at the same moment can
therefore both read "no lock", both issue ticket 0, and both go ahead: the lock does not lock. (The
scale-out test caught it: two replies sent at once to two replicas both became turn 1.) Here every change
of a lock (a new ticket, expired tickets dropped, a finished ticket removed and the lock deleted when
nobody waits) is one Redis transaction (WATCH/MULTI/EXEC, retried when another replica got in between).
"""

from __future__ import annotations

import json
from typing import Callable, Optional, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore


class CoachRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config=None, **kwargs):
        if endpoint_config is not None:  # how Rasa builds a lock store named by its module path
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str,
                change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], object]]):
        """Apply `change` (lock or None -> (new lock or None to delete, result)) atomically; returns result."""
        key = self.key_prefix + conversation_id
        out = {}

        def attempt(pipe):
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new, out["result"] = change(lock)
            pipe.multi()
            if new is None:
                pipe.delete(key)
            else:
                pipe.set(key, new.dumps())

        self.red.transaction(attempt, key)
        return out.get("result")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, change)
        except Exception as e:  # as Rasa's own: the message handler turns it into an error answer
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        def change(lock):
            if lock is None:
                return None, None
            lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, change)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the finished ticket; delete the lock if nobody waits (one step, so a ticket issued in
        between is never deleted with it)."""
        def change(lock):
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, change)
