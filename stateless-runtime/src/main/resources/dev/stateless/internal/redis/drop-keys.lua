-- DROP_KEYS: unlinks keys of one owner and drops them from its index (no event: the caller
-- publishes one pattern event after).
-- KEYS: [1] index, [2] expiries, [3] versions (the keys lose theirs: a later offline write of one
--       is applied as if no one had written it)
-- ARGV: the keys to drop (all of this owner)
-- Reply: how many existed

local n = 0
for _, k in ipairs(ARGV) do
  n = n + redis.call('UNLINK', k)
  redis.call('ZREM', KEYS[1], k)
  redis.call('ZREM', KEYS[2], k)
  redis.call('HDEL', KEYS[3], k)
end
return n
