-- The re-authentication obligation, and when the session's user last proved MFA (login or step-up), for every broker.
ALTER TABLE access_session
    ADD COLUMN reauth_every_ms BIGINT,
    ADD COLUMN auth_at         TIMESTAMPTZ;
