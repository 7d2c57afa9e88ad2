"""Company settings that admins change (four eyes on changed scores), checked and audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from coach.storage.errors import Conflict, InvalidRecord, NotFound
from coach.storage.models import CompanySetting, utcnow
from coach.storage.services.common import audit, get_from


@dataclass(frozen=True)
class FourEyes:
    """review.four_eyes: a changed score that moves the machine's by more than `min_change` points counts only
    once a second person (another trainer of the team, a manager or an admin) approves it."""
    enabled: bool = True
    min_change: int = 10

    def check(self):
        if not isinstance(self.enabled, bool):
            raise InvalidRecord(f"review.four_eyes.enabled: {self.enabled!r}; expected true or false")
        if isinstance(self.min_change, bool) or not isinstance(self.min_change, int) or not 0 <= self.min_change <= 100:
            raise InvalidRecord(f"review.four_eyes.min_change: {self.min_change!r}; expected points from 0 to 100")


@dataclass(frozen=True)
class Recordings:
    """voice.recordings: whether the sound of a trainee's spoken replies is kept with the session (for a trainer
    to listen to). Off by default: what was said and how it measured is kept either way; the voice itself only
    when the company has its staff's agreement."""
    keep: bool = False

    def check(self):
        if not isinstance(self.keep, bool):
            raise InvalidRecord(f"voice.recordings.keep: {self.keep!r}; expected true or false")


SETTINGS = {"review.four_eyes": FourEyes, "voice.recordings": Recordings}  # key -> its type, with the defaults


def get_setting(uow, key: str):
    """The company's value of a setting (its default until an admin changes it)."""
    kind = SETTINGS.get(key)
    if kind is None:
        raise NotFound(f"there is no company setting {key!r}; known: {', '.join(SETTINGS)}")
    row = uow.session.get(CompanySetting, key)
    names = {f.name for f in fields(kind)}
    return kind(**{k: v for k, v in (row.value if row else {}).items() if k in names})


def set_setting(uow, key: str, *, actor_id: int, **values):
    """Change a company setting (admins); checked against its type and audited with before and after."""
    actor = get_from(uow.people, actor_id, "person")
    if actor.role != "admin":
        raise Conflict(f"{actor.name} is a {actor.role}; only admins change company settings")
    before = get_setting(uow, key)
    unknown = set(values) - {f.name for f in fields(before)}
    if unknown:
        raise InvalidRecord(f"{key}: no setting {', '.join(sorted(unknown))}; known: "
                            f"{', '.join(f.name for f in fields(before))}")
    after = type(before)(**{**asdict(before), **values})
    after.check()
    row = uow.session.get(CompanySetting, key)
    if row is None:
        row = CompanySetting(key=key, value={})
        uow.session.add(row)
    row.value, row.updated_by, row.updated_at = asdict(after), actor_id, utcnow()
    uow.session.flush()
    audit(uow, "setting.change", "company_setting", None, actor_id=actor_id, before={key: asdict(before)},
          after={key: asdict(after)})
    return after


def needs_second_approver(uow, machine: int, override: int | None) -> bool:
    """Whether approving this changed score needs a second person (review.four_eyes)."""
    rule = get_setting(uow, "review.four_eyes")
    return rule.enabled and override is not None and abs(override - machine) > rule.min_change
