-- 0012: each indicator's current values in one row (issue 12): every current value of the
-- indicator as a line "year role text" (role target or actual; text as in current_values, empty
-- for none), written in the same transaction as current_values, so that reading a portfolio steps
-- through one row per indicator instead of one per indicator-year-role.

CREATE TABLE current_series (
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    indicator TEXT NOT NULL,
    series TEXT NOT NULL,
    PRIMARY KEY (policy_id, indicator)
);

INSERT INTO current_series (policy_id, indicator, series)
SELECT policy_id, indicator, string_agg(year::text || ' ' || role || ' ' || COALESCE(text, ''), E'\n' ORDER BY year, role)
FROM current_values GROUP BY policy_id, indicator;
