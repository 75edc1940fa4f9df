-- Fragment publish: appends this write's invalidation event to the owner's stream, numbered by
-- HINCRBY of the stream's field in the sequences hash, the stream trimmed to about maxlen entries;
-- leaves the event's number in the local `seq`. The fields are InvalidationEvent's (see there).
-- Needs: KEYS[2] stream, KEYS[3] sequences; ARGV[1] node, ARGV[2] maxlen.
-- Parameters: field, the event's subject field (EVENT_KEY or EVENT_PATTERN); value, its value,
-- optionally followed by more field/value pairs.

local seq = redis.call('HINCRBY', KEYS[3], KEYS[2], 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', '${EVENT_SEQ}', seq, '${EVENT_NODE}', ARGV[1], '${field}', ${value})
