-- DROP_KEYS: unlinks keys of one owner and drops them from its index (no event: the caller
-- publishes one pattern event after).
-- KEYS: [1] index, [2] expiries, [3] versions (each key gets a delete's version, a tombstone: an
--       offline write based on what the key held before is a conflict)
-- ARGV: the keys to drop (all of this owner)
-- Reply: how many existed

local n = 0
for _, k in ipairs(ARGV) do
  n = n + redis.call('UNLINK', k)
  redis.call('ZREM', KEYS[1], k)
  redis.call('ZREM', KEYS[2], k)
  --#include version key=k versions=KEYS[3] expiries=KEYS[2] deleted=true
end
return n
