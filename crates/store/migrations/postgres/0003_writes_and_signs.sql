-- 0003: submissions that supersede one another, the sign of indicator values, token expiry.
-- avance storage, PostgreSQL: a submission made while an earlier one of the same indicator-year
-- still waits for review supersedes it ('superseded'); at most one submission of a key waits at a
-- time.

ALTER TABLE submissions DROP CONSTRAINT submissions_status_check;
ALTER TABLE submissions ADD CONSTRAINT submissions_status_check
    CHECK (status IN ('submitted', 'approved', 'returned', 'superseded'));

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
UPDATE api_tokens SET expires_at = to_char((now() AT TIME ZONE 'UTC') + interval '90 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') WHERE expires_at IS NULL;
