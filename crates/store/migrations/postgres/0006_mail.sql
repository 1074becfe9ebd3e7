-- 0006: e-mail. Each user's address, the language of its messages and whether it receives the
-- daily digest; the outbox of messages (written in the transaction of the event that causes them,
-- then sent by a worker) with every attempt to send them; the password-reset links (only the
-- hash of each link's secret is kept). Instants as stored (RFC 3339, UTC).

ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'es' CHECK (lang IN ('es', 'en'));
ALTER TABLE users ADD COLUMN digest INTEGER NOT NULL DEFAULT 1;

-- status: pending (to send at next_attempt_at), sending (claimed by a worker at claimed_at),
-- sent, failed (given up, or interrupted while sending: the administrator may send it again).
-- dedup_key names a message that must be written once only (a reminder of a unit for one
-- deadline step, a digest of one day); event messages have none.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    created_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    dedup_key TEXT UNIQUE,
    recipient TEXT NOT NULL,
    username TEXT,
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE outbox_attempts (
    id BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES outbox (id),
    at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed', 'interrupted', 'resent')),
    detail TEXT
);
CREATE INDEX outbox_attempts_message ON outbox_attempts (message_id);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
