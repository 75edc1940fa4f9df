-- STREAM_DEL: DEL for the keys of a @Streaming owner: a pointer's chunks get the grace period.
-- KEYS: [1] key, [2] log, [3] sequence, [4] index, [5] expiries, [6] versions
-- ARGV: [1] node, [2] maxlen, [3] owner, [4] grace in ms, [5] the shard's chunk prefix
-- Reply: how many keys were deleted (0 or 1)

--#include release-chunks key=KEYS[1] grace=tonumber(ARGV[4]) chunks=ARGV[5]
local n = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[4], KEYS[1])
redis.call('ZREM', KEYS[5], KEYS[1])
--#include publish field=${EVENT_KEY} value=KEYS[1]
--#include version key=KEYS[1] versions=KEYS[6] expiries=KEYS[5] deleted=true
return n
