-- Failed-attempt counters for lockout with backoff, keyed per account ("user:<name>", also for names that do not
-- exist, so a lockout reveals nothing) and per source address ("source:<ip>").
CREATE TABLE login_throttle (
    throttle_key VARCHAR(200) PRIMARY KEY,
    failures     INT NOT NULL,
    last_failure TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);
