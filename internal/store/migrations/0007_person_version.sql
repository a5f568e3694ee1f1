-- A person's version counts the saves of their record (name, email, title, manager, start
-- date, status), so that a form can carry the version it was shown at and a save from a form
-- that someone else saved meanwhile is refused rather than silently undoing their change
-- (see UpdatePerson). Level changes do not count: they have a history of their own, which a
-- level form checks instead (see AddLevelChangeAfter).
ALTER TABLE people ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
