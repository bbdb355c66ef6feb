-- A TOTP secret being enrolled (sealed like the active one) until a first code from it confirms it.
ALTER TABLE user_account
    ADD COLUMN pending_totp_enc        BYTEA,
    ADD COLUMN pending_totp_expires_at TIMESTAMPTZ;
