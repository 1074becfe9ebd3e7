-- 0003: submissions that supersede one another, the sign of indicator values, token expiry.
-- avance storage, SQLite: a submission made while an earlier one of the same indicator-year still
-- waits for review supersedes it ('superseded'); at most one submission of a key waits at a time.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with its rows.

ALTER TABLE submissions RENAME TO submissions_before_0003;
DROP INDEX submissions_key;

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    text TEXT NOT NULL,
    exact TEXT,
    comment TEXT,
    evidence TEXT,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned', 'superseded')),
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_reason TEXT,
    change_id INTEGER REFERENCES changes (id)
);
INSERT INTO submissions SELECT * FROM submissions_before_0003;
DROP TABLE submissions_before_0003;
CREATE INDEX submissions_key ON submissions (policy_id, indicator, year);

-- Earlier versions left an older submission 'submitted' under a newer one.
UPDATE submissions SET status = 'superseded'
WHERE status = 'submitted' AND EXISTS (
    SELECT 1 FROM submissions n
    WHERE n.policy_id = submissions.policy_id AND n.indicator = submissions.indicator
      AND n.year = submissions.year AND n.id > submissions.id
);
CREATE UNIQUE INDEX submissions_one_waiting ON submissions (policy_id, indicator, year) WHERE status = 'submitted';

-- Whether an indicator's values may be negative, as its metadata says (1 or 0); NULL: the unit's
-- default (only tasa_variacion may).
ALTER TABLE indicator_revisions ADD COLUMN negative_values INTEGER;

-- API tokens expire, and their last use is kept. Tokens made before this version expire 90 days
-- after it.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+90 days') WHERE expires_at IS NULL;
