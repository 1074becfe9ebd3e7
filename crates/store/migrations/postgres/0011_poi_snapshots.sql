-- 0011: a POI's follow-up of a period published: the plan as of its latest change set (its
-- canonical document), the months reported, the report's date (which months were due), the rule
-- profile, the figures (the avance-poi-compute/1 document) and a SHA-256 of the profile, plan and
-- figures, frozen; later changes of the plan never touch it.

CREATE TABLE poi_snapshots (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES poi_plans (id),
    first_month INTEGER NOT NULL CHECK (first_month BETWEEN 1 AND 12),
    last_month INTEGER NOT NULL CHECK (last_month BETWEEN first_month AND 12),
    report_date TEXT NOT NULL,
    profile TEXT NOT NULL,
    as_of_change BIGINT NOT NULL REFERENCES poi_changes (id),
    content_hash TEXT NOT NULL,
    inputs TEXT NOT NULL,
    figures TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX poi_snapshots_plan ON poi_snapshots (plan_id, last_month);
