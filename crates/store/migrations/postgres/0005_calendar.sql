-- The reporting calendar of a policy-year beside its deadline: when reporting opens, until when
-- the planning office reviews, and when the figures are published. Instants as stored
-- (RFC 3339, UTC); null when not set.
ALTER TABLE reporting_years ADD COLUMN opens TEXT;
ALTER TABLE reporting_years ADD COLUMN review_until TEXT;
ALTER TABLE reporting_years ADD COLUMN publication TEXT;
