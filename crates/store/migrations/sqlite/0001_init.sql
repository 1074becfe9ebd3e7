-- avance storage, SQLite. Decimals are canonical TEXT (exact); times are RFC 3339 UTC text.
-- Every change is appended: the current state is the latest revision of each key.

CREATE TABLE policies (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A change set: who changed what, when and why.
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    author TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE meta_revisions (
    change_id INTEGER NOT NULL REFERENCES changes (id),
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    name TEXT NOT NULL,
    policy_type TEXT NOT NULL,
    sector_code TEXT NOT NULL,
    sector_name TEXT NOT NULL,
    ministry_code TEXT NOT NULL,
    ministry_name TEXT NOT NULL,
    norm TEXT,
    first_year INTEGER NOT NULL,
    last_year INTEGER NOT NULL,
    profile TEXT NOT NULL,
    synthesis TEXT,
    PRIMARY KEY (policy_id, change_id)
);

-- Objectives, lineamientos and services.
CREATE TABLE element_revisions (
    change_id INTEGER NOT NULL REFERENCES changes (id),
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    code TEXT NOT NULL,
    name TEXT,
    analysis TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (policy_id, code, change_id)
);

CREATE TABLE indicator_revisions (
    change_id INTEGER NOT NULL REFERENCES changes (id),
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    code TEXT NOT NULL,
    name TEXT,
    responsible TEXT,
    indicator_type TEXT,
    unit TEXT,
    sentido TEXT,
    aggregation TEXT,
    standard TEXT,
    baseline_year INTEGER,
    baseline_text TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (policy_id, code, change_id)
);

-- Targets and actuals: the text as entered and its exact value (NULL for ND).
CREATE TABLE value_revisions (
    change_id INTEGER NOT NULL REFERENCES changes (id),
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('target', 'actual')),
    text TEXT,
    exact TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (policy_id, indicator, year, role, change_id)
);

-- A published policy-year: inputs, rule profile and figures, frozen with a content hash.
CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    year INTEGER NOT NULL,
    profile TEXT NOT NULL,
    as_of_change INTEGER NOT NULL REFERENCES changes (id),
    content_hash TEXT NOT NULL,
    inputs TEXT NOT NULL,
    figures TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX snapshots_policy_year ON snapshots (policy_id, year);
