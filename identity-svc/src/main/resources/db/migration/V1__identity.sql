CREATE TABLE user_account (
    id              UUID PRIMARY KEY,
    username        VARCHAR(128) NOT NULL UNIQUE,
    password_hash   VARCHAR(256) NOT NULL,
    -- AES-256-GCM(master key) of the base32 TOTP seed: never stored in clear
    totp_secret_enc BYTEA NOT NULL,
    -- highest TOTP time step accepted so far: a code is accepted once
    last_totp_step  BIGINT NOT NULL DEFAULT 0,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE user_group (
    user_id    UUID NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
    group_name VARCHAR(128) NOT NULL,
    PRIMARY KEY (user_id, group_name)
);

CREATE TABLE user_role (
    user_id   UUID NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
    role_name VARCHAR(64) NOT NULL,
    PRIMARY KEY (user_id, role_name)
);

CREATE TABLE mfa_challenge (
    -- SHA-256 of the opaque challenge id handed to the client
    id_hash    BYTEA PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    attempts   INT NOT NULL DEFAULT 0,
    used       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX mfa_challenge_expires_at ON mfa_challenge (expires_at);

CREATE TABLE service_account (
    client_id   VARCHAR(128) PRIMARY KEY,
    -- SHA-256 of a high-entropy secret
    secret_hash BYTEA NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE service_account_role (
    client_id VARCHAR(128) NOT NULL REFERENCES service_account (client_id) ON DELETE CASCADE,
    role_name VARCHAR(64) NOT NULL,
    PRIMARY KEY (client_id, role_name)
);

CREATE TABLE signing_key (
    kid             VARCHAR(64) PRIMARY KEY,
    -- AES-256-GCM(master key) of the PKCS#8 private key
    private_key_enc BYTEA NOT NULL,
    public_key      BYTEA NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    active          BOOLEAN NOT NULL
);
