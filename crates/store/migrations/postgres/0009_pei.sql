-- 0009: institutional strategic plans (PEI). A plan is an entity's PEI for its period; every load
-- or entry of values appends a change set and the plan as it stood after it, whole, as its
-- canonical avance-pei/1 document (a PEI has tens of indicators and changes a few times a year:
-- keeping each revision whole keeps the history complete and a read one row). The latest revision
-- is the plan's current state.

CREATE TABLE pei_plans (
    id BIGSERIAL PRIMARY KEY,
    entity_code TEXT NOT NULL,
    first_year INTEGER NOT NULL,
    last_year INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (entity_code, first_year)
);

CREATE TABLE pei_changes (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES pei_plans (id),
    author TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX pei_changes_plan ON pei_changes (plan_id);

CREATE TABLE pei_revisions (
    change_id BIGINT PRIMARY KEY REFERENCES pei_changes (id),
    plan_id BIGINT NOT NULL REFERENCES pei_plans (id),
    entity_name TEXT NOT NULL,
    profile TEXT NOT NULL,
    indicators INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    document TEXT NOT NULL
);

CREATE INDEX pei_revisions_plan ON pei_revisions (plan_id, change_id);
