-- SSO federation: a local account is linked to exactly one upstream identity (issuer + subject) on its first
-- federated login; a later login for the same username from another upstream subject is refused.
ALTER TABLE user_account ADD COLUMN federated_issuer TEXT;
ALTER TABLE user_account ADD COLUMN federated_subject TEXT;
CREATE UNIQUE INDEX user_account_federated_identity ON user_account (federated_issuer, federated_subject)
    WHERE federated_subject IS NOT NULL;

-- How the first factor was proven (pwd: local password; fed: upstream IdP) and the local groups the upstream
-- groups mapped to: carried from the challenge into the login session, whose tokens carry them until it ends.
ALTER TABLE mfa_challenge ADD COLUMN first_factor TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE mfa_challenge ADD COLUMN upstream_groups TEXT NOT NULL DEFAULT '';
ALTER TABLE login_session ADD COLUMN upstream_groups TEXT NOT NULL DEFAULT '';
-- The upstream amr values a trusted IdP vouched for (ztna.identity.federation.trusted-amr): when set, the challenge
-- is answered without a local code.
ALTER TABLE mfa_challenge ADD COLUMN upstream_mfa TEXT NOT NULL DEFAULT '';
