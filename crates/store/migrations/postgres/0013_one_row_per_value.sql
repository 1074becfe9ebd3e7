-- 0013: a value written once (issue 12, loading). Since 0012 each indicator's current values are
-- kept in `current_series`, so `current_values` (0004) only repeated them a row per value: it is
-- dropped, and a write reads and rewrites the indicator's series instead.
-- avance storage, PostgreSQL: `value_revisions` stays as it is (a heap and the index of its key;
-- SQLite's table is rebuilt without rowid by its own 0013).

DROP TABLE current_values;
