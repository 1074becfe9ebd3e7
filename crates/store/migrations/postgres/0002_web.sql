-- avance storage, PostgreSQL (the same tables as SQLite's 0002): the web application's users, sessions, API tokens, reporting deadlines
-- and exceptions, the reporting workflow and the audit log. Instants are written by the application
-- as RFC 3339 UTC text of one fixed shape (YYYY-MM-DDTHH:MM:SSZ), so that both databases compare
-- them alike.

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'planning', 'unit')),
    scope TEXT,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- Only a hash of each session's secret is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE reporting_years (
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    year INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    set_by TEXT NOT NULL,
    PRIMARY KEY (policy_id, year)
);

CREATE TABLE reporting_exceptions (
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    year INTEGER NOT NULL,
    unit TEXT NOT NULL,
    until TEXT NOT NULL,
    reason TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    PRIMARY KEY (policy_id, year, unit)
);

-- Each submission of an actual by a unit; the latest of a key is where it stands.
CREATE TABLE submissions (
    id BIGSERIAL PRIMARY KEY,
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    text TEXT NOT NULL,
    exact TEXT,
    comment TEXT,
    evidence TEXT,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned')),
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_reason TEXT,
    change_id BIGINT REFERENCES changes (id)
);
CREATE INDEX submissions_key ON submissions (policy_id, indicator, year);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    policy TEXT,
    unit TEXT,
    subject TEXT,
    detail TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
