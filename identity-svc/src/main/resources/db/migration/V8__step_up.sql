-- When the login session last proved MFA (its login, or a step-up): refreshed tokens carry it as auth_time.
ALTER TABLE login_session ADD COLUMN last_auth_at TIMESTAMPTZ;
