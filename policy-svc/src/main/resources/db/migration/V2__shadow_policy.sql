-- At most one shadow candidate (id = 1): evaluated beside the live policy on real traffic, never enforced.
CREATE TABLE shadow_policy (
    id         INT PRIMARY KEY CHECK (id = 1),
    document   TEXT NOT NULL,
    format     VARCHAR(8) NOT NULL,
    author     VARCHAR(128) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
