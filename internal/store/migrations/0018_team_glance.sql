-- A manager's home shows each report's time in their level and their last check-in. Read
-- from level_history and checkins, each was a look-up per report, two of the six that made
-- the team's read cost more than the rest of the page's reads together on PostgreSQL. Kept
-- on the person's row, the team is one range of people_manager. Both are derived, like an
-- index: they are written in the transaction that writes what they follow from (levels.go,
-- rollout.go, importpeople.go; package checkins), and this file sets them for the rows
-- already there. Like 0001, it runs on SQLite and PostgreSQL alike.

-- The date of the person's latest change of level (a change of track or a correction that
-- keeps the level does not count); NULL until they have one.
ALTER TABLE people ADD COLUMN level_since DATE;
-- The date of the person's latest check-in; NULL until they have one.
ALTER TABLE people ADD COLUMN last_checkin DATE;

UPDATE people SET
    level_since = (SELECT max(h.date) FROM level_history h WHERE h.person_id = people.id AND h.from_level <> h.to_level),
    last_checkin = (SELECT max(c.held_on) FROM checkins c WHERE c.person_id = people.id);
