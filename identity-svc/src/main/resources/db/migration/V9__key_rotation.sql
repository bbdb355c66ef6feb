-- Signing-key rotation: a key is published (in the JWKS) from its creation, signs from activates_at (the newest one
-- already active signs), and leaves the JWKS once retired.
ALTER TABLE signing_key
    ADD COLUMN activates_at TIMESTAMPTZ,
    ADD COLUMN retired_at   TIMESTAMPTZ;
UPDATE signing_key SET activates_at = created_at;
ALTER TABLE signing_key ALTER COLUMN activates_at SET NOT NULL;
ALTER TABLE signing_key DROP COLUMN active;
