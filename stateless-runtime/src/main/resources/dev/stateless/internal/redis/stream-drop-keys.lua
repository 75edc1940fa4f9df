-- STREAM_DROP_KEYS: DROP_KEYS for the keys of a @Streaming owner: pointers' chunks get the grace.
-- KEYS: [1] index, [2] expiries, [3] versions (each key gets a delete's version, as DROP_KEYS)
-- ARGV: [1] grace in ms, [2] the shard's chunk prefix, then the keys to drop (all of one
--       @Streaming owner, in this shard)
-- Reply: how many existed

local n = 0
local grace = tonumber(ARGV[1])
for i = 3, #ARGV do
  local k = ARGV[i]
  --#include release-chunks key=k grace=grace chunks=ARGV[2]
  n = n + redis.call('UNLINK', k)
  redis.call('ZREM', KEYS[1], k)
  redis.call('ZREM', KEYS[2], k)
  --#include version key=k versions=KEYS[3] expiries=KEYS[2] deleted=true
end
return n
