-- The home page reads what its viewer has to do without reading their history. Like 0001,
-- this file runs on SQLite and PostgreSQL alike.

-- Who took an action item on: the person of the check-in for their own items, the manager
-- who held it for the manager's (a check-in's manager never changes, see 0009). A home lists
-- its viewer's open items from the index below, one range of it however many check-ins they
-- have held; without it a manager's home read every action item of every check-in they ever
-- held to find the few still open.
ALTER TABLE checkin_actions ADD COLUMN owner_id BIGINT NOT NULL DEFAULT 0;
UPDATE checkin_actions SET owner_id = CASE WHEN owner = 'person' THEN person_id
    ELSE (SELECT c.manager_id FROM checkins c WHERE c.id = checkin_actions.checkin_id) END;
CREATE INDEX checkin_actions_open ON checkin_actions (owner_id, id) WHERE done_at IS NULL;

-- A manager's home says how long each report has held their level: the date of their last
-- change of level, found at the end of this index (a track change within a level is not in it).
CREATE INDEX level_history_since ON level_history (person_id, date) WHERE from_level <> to_level;
