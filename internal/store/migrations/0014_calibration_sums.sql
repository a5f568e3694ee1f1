-- Each person's scores in a cycle summed per side: how many scored ratings (n) and the sum of
-- their scores (sum), kept from assessment_tallies by the transaction that changes them. The
-- calibration view ranks every manager by the gap between the mean of their scores and the
-- mean of their people's own; with these it adds up one row per person instead of joining
-- every tally. Like 0001, this file runs on SQLite and PostgreSQL alike.
ALTER TABLE assessment_people ADD COLUMN self_n BIGINT NOT NULL DEFAULT 0;
ALTER TABLE assessment_people ADD COLUMN self_sum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE assessment_people ADD COLUMN manager_n BIGINT NOT NULL DEFAULT 0;
ALTER TABLE assessment_people ADD COLUMN manager_sum BIGINT NOT NULL DEFAULT 0;
UPDATE assessment_people SET
    self_n = (SELECT coalesce(sum(t.at_level + t.at_next), 0) FROM assessment_tallies t
        WHERE t.cycle_id = assessment_people.cycle_id AND t.person_id = assessment_people.person_id AND t.side = 'self'),
    self_sum = (SELECT coalesce(sum(t.score * (t.at_level + t.at_next)), 0) FROM assessment_tallies t
        WHERE t.cycle_id = assessment_people.cycle_id AND t.person_id = assessment_people.person_id AND t.side = 'self'),
    manager_n = (SELECT coalesce(sum(t.at_level + t.at_next), 0) FROM assessment_tallies t
        WHERE t.cycle_id = assessment_people.cycle_id AND t.person_id = assessment_people.person_id AND t.side = 'manager'),
    manager_sum = (SELECT coalesce(sum(t.score * (t.at_level + t.at_next)), 0) FROM assessment_tallies t
        WHERE t.cycle_id = assessment_people.cycle_id AND t.person_id = assessment_people.person_id AND t.side = 'manager');
-- The ranking reads the sums of a cycle's people by manager from this index alone, in its
-- order: no sort of the cycle's people and no look-up of their rows.
CREATE INDEX assessment_people_sums ON assessment_people (cycle_id, manager_by, manager_n, manager_sum, self_n, self_sum)
    WHERE manager_submitted_at IS NOT NULL;
