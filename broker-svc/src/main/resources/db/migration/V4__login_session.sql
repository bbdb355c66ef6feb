-- The identity-svc login session (`sid`) a session was opened with: a logout or revocation ends it on every broker.
ALTER TABLE access_session ADD COLUMN login_session_id VARCHAR(64);
CREATE INDEX access_session_open_user ON access_session (user_id) WHERE closed_at IS NULL;
