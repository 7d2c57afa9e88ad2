"""Scoring earlier sessions again after the standards change (`coach rescore`, the admin's Standards page).

The scoring services never commit; this job owns the units of work: one to register the standards version,
a read-only one to plan, and one per batch, so an interruption keeps what was done and a second run
carries on where the first stopped.
"""

from __future__ import annotations

from coach.storage import services


def rescore(db, scorer, *, since, until=None, force: bool = False, batch: int = 200, on_progress=None) -> dict:
    """Score the completed sessions started in [since, until) in the scorer's language again with its standards
    (see services.plan_rescore) and return what changed. on_progress(done_in_batch, total) is called after each
    batch is committed."""
    from coach.detect import detector_version

    since, until = services.as_utc(since, "since"), services.as_utc(until, "until")  # checked before any write
    with db.uow() as uow:
        version_id = services.register_standards(uow, scorer.pack, detector_version())
        uow.commit()
    with db.reader() as uow:
        plan = services.plan_rescore(uow, version_id, since=since, until=until, force=force,
                                      language=scorer.pack.language)
    for chunk in plan.batches(batch):
        with db.uow() as uow:
            services.rescore_batch(uow, scorer, plan, chunk)
            uow.commit()
        if on_progress:
            on_progress(len(chunk), len(plan.todo))
    return plan.summary
