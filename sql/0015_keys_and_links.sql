-- issue 10 (G: L5): a PSB nonce is kept by the request's timestamp, not by
-- when we saw it. The purge drops `ts < now - window - margin` on the
-- database clock, the same clock the insert judges freshness on
-- (src/auth/auth.c), so no nonce is purged while a worker could still
-- accept its timestamp. Existing rows get their insertion time as ts: at
-- most the window old, they are purged on the same schedule as before.
ALTER TABLE psb_nonce
	ADD COLUMN IF NOT EXISTS ts BIGINT NOT NULL DEFAULT 0 AFTER nonce,
	ADD KEY IF NOT EXISTS nonce_ts (ts);
UPDATE psb_nonce SET ts = TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', seen_at) WHERE ts = 0;
