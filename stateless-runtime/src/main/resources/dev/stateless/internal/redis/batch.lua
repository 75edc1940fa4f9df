-- BATCH: sets and deletes several keys, each with its event, in one step. Redis runs a script to
-- the end before any other command, and SET and DEL cannot fail on a key's type, so either every
-- write is applied or (an error before the first) none.
-- KEYS: [1] sequences, then per write: key, stream, index, expiries, versions
-- ARGV: [1] node, [2] maxlen, then per write: op ('s' set, 'd' delete), value, px (0: none)
-- Reply: the number of writes

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = (#KEYS - 1) / 5
for i = 0, n - 1 do
  local k, st, idx, exp, vers = KEYS[2 + 5 * i], KEYS[3 + 5 * i], KEYS[4 + 5 * i], KEYS[5 + 5 * i], KEYS[6 + 5 * i]
  local px = tonumber(ARGV[5 + 3 * i])
  if ARGV[3 + 3 * i] == 's' then
    if px > 0 then
      redis.call('SET', k, ARGV[4 + 3 * i], 'PX', px)
      redis.call('ZADD', exp, now + px, k)
    else
      redis.call('SET', k, ARGV[4 + 3 * i])
      redis.call('ZREM', exp, k)
    end
    redis.call('ZADD', idx, 0, k)
  else
    redis.call('DEL', k)
    redis.call('ZREM', idx, k)
    redis.call('ZREM', exp, k)
  end
  local seq = redis.call('HINCRBY', KEYS[1], st, 1)
  redis.call('XADD', st, 'MAXLEN', '~', ARGV[2], '*', '${EVENT_SEQ}', seq, '${EVENT_NODE}', ARGV[1], '${EVENT_KEY}', k)
  --#include version key=k versions=vers expiries=exp deleted=(ARGV[3 + 3 * i] == 'd')
end
return n
