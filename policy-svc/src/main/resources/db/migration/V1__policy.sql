-- Every change is a new immutable version; the highest version is live.
CREATE TABLE policy_version (
    version    BIGINT PRIMARY KEY,
    document   TEXT NOT NULL,
    format     VARCHAR(8) NOT NULL,
    author     VARCHAR(128) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE FUNCTION policy_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'policy versions are immutable';
END $$;

CREATE TRIGGER policy_version_immutable BEFORE UPDATE OR DELETE ON policy_version
    FOR EACH ROW EXECUTE FUNCTION policy_version_immutable();
