"""Errors of the storage layer. Each message says what was wrong and what would be right."""

from __future__ import annotations


class StorageError(Exception):
    """Base class: something could not be read or written; nothing was partially written."""


class NotFound(StorageError):
    """An id or login that the database does not have."""


class Conflict(StorageError):
    """A write that contradicts what is stored (a duplicate login, a turn already recorded differently)."""


class InvalidRecord(StorageError):
    """A value that cannot be stored as given (unknown role, empty name, text too long, ...)."""


class UnknownStandardsVersion(StorageError):
    """A scorecard made with a standards pack version the database has never registered."""


class DatabaseUnavailable(StorageError):
    """The database cannot be reached, is locked for too long, or has no schema yet."""
