"""Storage: practice sessions recorded turn by turn, scorecards, reviews, awards and the audit log.

SQLite under var/ by default, PostgreSQL when DATABASE_URL says so. Use it through the services
(coach.storage.services) with a unit of work from Database(url).uow().
"""

from coach.storage.db import Database, UnitOfWork
from coach.storage.errors import (
    Conflict,
    DatabaseUnavailable,
    InvalidRecord,
    NotFound,
    StorageError,
    UnknownStandardsVersion,
)

__all__ = ["Database", "UnitOfWork", "Conflict", "DatabaseUnavailable", "InvalidRecord",
           "NotFound", "StorageError", "UnknownStandardsVersion"]
