-- 0013: a value written once (issue 12, loading). Since 0012 each indicator's current values are
-- kept in `current_series`, so `current_values` (0004) only repeated them a row per value: it is
-- dropped, and a write reads and rewrites the indicator's series instead.
-- avance storage, SQLite: `value_revisions` becomes a table without rowid, its rows kept in the
-- primary key's B-tree alone (before, every revision went into the table and into the index of
-- its key). SQLite cannot change that in place: the table is rebuilt with its rows, unchanged.

ALTER TABLE value_revisions RENAME TO value_revisions_before_0013;

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
) WITHOUT ROWID;
INSERT INTO value_revisions (change_id, policy_id, indicator, year, role, text, exact, deleted)
SELECT change_id, policy_id, indicator, year, role, text, exact, deleted FROM value_revisions_before_0013;
DROP TABLE value_revisions_before_0013;

DROP TABLE current_values;
