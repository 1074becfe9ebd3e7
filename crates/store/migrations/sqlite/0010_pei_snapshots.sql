-- 0010: a PEI's follow-up of a year published: the plan as of its latest change set (its canonical
-- document), the rule profile, the figures (the avance-pei-compute/1 document) and a SHA-256 of
-- the three, frozen; later changes of the plan never touch it.

CREATE TABLE pei_snapshots (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES pei_plans (id),
    year INTEGER NOT NULL,
    profile TEXT NOT NULL,
    as_of_change INTEGER NOT NULL REFERENCES pei_changes (id),
    content_hash TEXT NOT NULL,
    inputs TEXT NOT NULL,
    figures TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX pei_snapshots_plan_year ON pei_snapshots (plan_id, year);
