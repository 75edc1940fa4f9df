-- Fragment publish: appends this write's invalidation event to its shard's log, numbered by HINCRBY
-- of the shard's sequence hash (field n), the log trimmed to about maxlen entries; leaves the event's number in the
-- local `seq`. The fields are InvalidationEvent's (see there).
-- Needs: KEYS[2] log, KEYS[3] sequence; ARGV[1] node, ARGV[2] maxlen, ARGV[3] owner ('' none).
-- Parameters: field, the event's subject field (EVENT_KEY or EVENT_PATTERN); value, its value,
-- optionally followed by more field/value pairs.

local seq = redis.call('HINCRBY', KEYS[3], '${SEQUENCE_FIELD}', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', '${EVENT_SEQ}', seq, '${EVENT_NODE}', ARGV[1], '${EVENT_OWNER}', ARGV[3], '${field}', ${value})
