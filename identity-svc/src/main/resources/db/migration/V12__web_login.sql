-- Browser logins for the broker's web proxy: after /web/login, the browser carries a one-time code back to the app
-- host; the broker redeems it (AuthService/RedeemWebLogin) for the access token. Only the code's hash is stored, the
-- token is sealed with the master key, and a row is deleted when redeemed (or once expired).
CREATE TABLE web_login_code (
    code_hash    BYTEA PRIMARY KEY,
    redirect_uri TEXT        NOT NULL,
    username     TEXT        NOT NULL,
    token_enc    BYTEA       NOT NULL,
    token_expires_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_login_code_expiry ON web_login_code (expires_at);
