-- How many ratings each side of a person's assessment gives at each score, of the person's
-- own level and of the next: written by the same transaction as the ratings themselves, so
-- that a cycle's reports (calibration, readiness, the CSV's counts and means) read a few
-- rows per person instead of every rating. For 10,000 people rated on 35 expectations by
-- both sides, that is some 80,000 rows instead of 700,000.
CREATE TABLE assessment_tallies (
    cycle_id  BIGINT NOT NULL REFERENCES assessment_cycles (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    side      TEXT NOT NULL CHECK (side IN ('self', 'manager')),
    score     INTEGER NOT NULL,
    -- Ratings at this score of the level the person is assessed at, and of the next level.
    at_level  INTEGER NOT NULL,
    at_next   INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, person_id, side, score)
);

-- The ratings written before this table was.
INSERT INTO assessment_tallies (cycle_id, person_id, side, score, at_level, at_next)
SELECT r.cycle_id, r.person_id, r.side, r.score,
       sum(CASE WHEN r.level = ap.level THEN 1 ELSE 0 END), sum(CASE WHEN r.level = ap.level THEN 0 ELSE 1 END)
FROM assessment_ratings r
JOIN assessment_people ap ON ap.cycle_id = r.cycle_id AND ap.person_id = r.person_id
WHERE r.score IS NOT NULL
GROUP BY r.cycle_id, r.person_id, r.side, r.score;
