-- BATCH: sets and deletes several keys of one shard, each with its event, in one step. Redis runs a
-- script to the end before any other command, and SET and DEL cannot fail on a key's type, so
-- either every write is applied or (an error before the first) none.
-- KEYS: [1] log, [2] sequence, [3] versions, then per write: key, index, expiries
-- ARGV: [1] node, [2] maxlen, then per write: op ('s' set, 'd' delete), value, px (0: none), owner
-- Reply: the number of writes

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = (#KEYS - 3) / 3
for i = 0, n - 1 do
  local k, idx, exp = KEYS[4 + 3 * i], KEYS[5 + 3 * i], KEYS[6 + 3 * i]
  local op, px, owner = ARGV[3 + 4 * i], tonumber(ARGV[5 + 4 * i]), ARGV[6 + 4 * i]
  if op == 's' then
    if px > 0 then
      redis.call('SET', k, ARGV[4 + 4 * i], 'PX', px)
      redis.call('ZADD', exp, now + px, k)
    else
      redis.call('SET', k, ARGV[4 + 4 * i])
      redis.call('ZREM', exp, k)
    end
    redis.call('ZADD', idx, 0, k)
  else
    redis.call('DEL', k)
    redis.call('ZREM', idx, k)
    redis.call('ZREM', exp, k)
  end
  local seq = redis.call('HINCRBY', KEYS[2], '${SEQUENCE_FIELD}', 1)
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', '${EVENT_SEQ}', seq, '${EVENT_NODE}', ARGV[1], '${EVENT_OWNER}', owner, '${EVENT_KEY}', k)
  --#include version key=k versions=KEYS[3] expiries=exp deleted=(op == 'd')
end
return n
