-- 0008: institutional operating plans (POI), appended like policies: a change set per load or
-- monthly entry, a revision for each key whose content changed, and each activity's current months
-- materialized beside the history (written in the same transaction as their revisions).

CREATE TABLE poi_plans (
    id BIGSERIAL PRIMARY KEY,
    entity_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (entity_code, year)
);

CREATE TABLE poi_changes (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES poi_plans (id),
    author TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX poi_changes_plan ON poi_changes (plan_id);

CREATE TABLE poi_meta_revisions (
    change_id BIGINT NOT NULL REFERENCES poi_changes (id),
    plan_id BIGINT NOT NULL REFERENCES poi_plans (id),
    entity_name TEXT NOT NULL,
    sector TEXT NOT NULL,
    profile TEXT NOT NULL,
    PRIMARY KEY (plan_id, change_id)
);

CREATE TABLE poi_aei_revisions (
    change_id BIGINT NOT NULL REFERENCES poi_changes (id),
    plan_id BIGINT NOT NULL REFERENCES poi_plans (id),
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, code, change_id)
);

CREATE TABLE poi_activity_revisions (
    change_id BIGINT NOT NULL REFERENCES poi_changes (id),
    plan_id BIGINT NOT NULL REFERENCES poi_plans (id),
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    priority INTEGER,
    aei TEXT NOT NULL,
    aggregation TEXT NOT NULL CHECK (aggregation IN ('acumulado_anual', 'acumulado_mensual', 'no_acumulado')),
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, code, change_id)
);

-- Programming and execution of an activity's month: the exact value as canonical text; a removed
-- execution (deleted = 1) is a month without a record again.
CREATE TABLE poi_month_revisions (
    change_id BIGINT NOT NULL REFERENCES poi_changes (id),
    plan_id BIGINT NOT NULL REFERENCES poi_plans (id),
    activity TEXT NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    role TEXT NOT NULL CHECK (role IN ('programmed', 'executed')),
    value TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, activity, month, role, change_id)
);

-- Each activity as it stands (its latest revision) with its current months, kept beside the
-- history and written in the same transaction as its revisions: programming and execution from
-- January to December, each as twelve exact values separated by ';' (an execution left empty: not
-- recorded), so that reading a plan is one row per activity.
CREATE TABLE poi_current_activities (
    plan_id BIGINT NOT NULL REFERENCES poi_plans (id),
    activity TEXT NOT NULL,
    change_id BIGINT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    priority INTEGER,
    aei TEXT NOT NULL,
    aggregation TEXT NOT NULL,
    programmed TEXT NOT NULL,
    executed TEXT NOT NULL,
    PRIMARY KEY (plan_id, activity)
);
