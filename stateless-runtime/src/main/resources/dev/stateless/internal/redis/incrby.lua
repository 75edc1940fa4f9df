-- INCRBY: Redis's own INCRBY (so a value any client wrote as decimal text counts, and the result is
-- text any client reads), keeping the key's TTL, and appends its event.
-- KEYS: [1] key, [2] log, [3] sequence, [4] index, [5] expiries, [6] versions
-- ARGV: [1] node, [2] maxlen, [3] owner, [4] delta, [5] min, [6] max: the range of the owner's
--       integer type
-- Reply: the new value; Redis's error reply when the value is no integer or the sum overflows, or
-- 'ERR increment overflows the type' when it leaves [min, max] (the value then is as it was)

local existed = redis.call('EXISTS', KEYS[1])
local n = redis.pcall('INCRBY', KEYS[1], ARGV[4])
if type(n) == 'table' and n.err then return n end
if n < tonumber(ARGV[5]) or n > tonumber(ARGV[6]) then
  if existed == 1 then redis.call('DECRBY', KEYS[1], ARGV[4]) else redis.call('DEL', KEYS[1]) end
  return redis.error_reply('ERR increment overflows the type')
end
--#include publish field=${EVENT_KEY} value=KEYS[1]
--#include index px=-1 versions=KEYS[6]
--#include version key=KEYS[1] versions=KEYS[6] expiries=KEYS[5] deleted=false
return n
