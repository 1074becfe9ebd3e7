-- 0007: the login limiter's counts in the database, shared by every server: one row per failed
-- login (keyed by the account name typed and by the client address) and per password-reset
-- request (by address), as stored instants; rows older than the limiter's window are removed as
-- new ones come.
CREATE TABLE limited_attempts (
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX limited_attempts_key ON limited_attempts (key, at);
