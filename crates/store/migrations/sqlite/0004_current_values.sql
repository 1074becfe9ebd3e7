-- 0004: the current value of every indicator-year-role, kept beside the append-only history.
-- avance storage, SQLite: value_revisions keeps every revision; current_values holds the latest
-- one of each key that is not removed, written in the same transaction as the revision, so that
-- reading a policy is a plain scan of its rows instead of a window over its whole history.
CREATE TABLE current_values (
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('target', 'actual')),
    change_id INTEGER NOT NULL,
    text TEXT,
    PRIMARY KEY (policy_id, indicator, year, role)
) WITHOUT ROWID;

INSERT INTO current_values (policy_id, indicator, year, role, change_id, text)
SELECT policy_id, indicator, year, role, change_id, text FROM (
    SELECT policy_id, indicator, year, role, change_id, text, deleted,
           ROW_NUMBER() OVER (PARTITION BY policy_id, indicator, year, role ORDER BY change_id DESC) AS rn
    FROM value_revisions
) t
WHERE rn = 1 AND deleted = 0;
