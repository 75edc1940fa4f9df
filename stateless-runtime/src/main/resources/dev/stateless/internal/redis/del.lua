-- DEL: deletes a key, drops it from the index and appends its event (even if it did not exist).
-- KEYS: [1] key, [2] log, [3] sequence, [4] index, [5] expiries, [6] versions
-- ARGV: [1] node, [2] maxlen, [3] owner
-- Reply: how many keys were deleted (0 or 1)

local n = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[4], KEYS[1])
redis.call('ZREM', KEYS[5], KEYS[1])
--#include publish field=${EVENT_KEY} value=KEYS[1]
--#include version key=KEYS[1] versions=KEYS[6] expiries=KEYS[5] deleted=true
return n
