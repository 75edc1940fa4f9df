-- SET_MANY: sets several keys of one shard and one owner (a run of the unconditional sets of one
-- flush of a node's connection), in order, with one event listing them all, indexed and versioned
-- as SET does each. Every command is called once for all the writes (MSET, ZADD, HMGET, HSET,
-- XADD), with arguments the client laid out, so the script runs a few Lua statements per write:
-- in a script a statement or a call costs more than the command itself does.
-- KEYS: [1] log, [2] sequence, [3] versions, [4] index, [5] expiries, then the n keys written
-- ARGV: [1] node, [2] maxlen, [3] owner ('' none), [4] mode: 'p' plain sets, 'x' expiring sets,
--       then per write i (1..n) two values: in mode p the key and its value (MSET's arguments), in
--       mode x the value and its px (> 0, expires in px ms); then per write: '0' and the key
--       (ZADD's arguments), then per write: the event field k<i> and the key (XADD's arguments)
-- The versions are the server's time in microseconds plus 0..n-1, moved above the last version of
-- every key written (fragment version: versions only grow), all distinct even for a key written
-- twice. The sweep of fragment index runs on every call, taking up to as many overdue members as
-- the call wrote (at least 32), so it keeps up with keys written to expire.
-- Reply: the first write's version; write i has that plus i - 1

local n = #KEYS - 5
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base = tonumber(t[1]) * 1000000 + tonumber(t[2])
local seq = redis.call('HINCRBY', KEYS[2], '${SEQUENCE_FIELD}', 1)
local lasts = redis.call('HMGET', KEYS[3], unpack(KEYS, 6))
for i = 1, n do
  local last = tonumber(lasts[i])
  if last and last >= base then base = last + 1 end
end
if ARGV[4] == 'p' then
  redis.call('MSET', unpack(ARGV, 5, 4 + 2 * n))
else
  local expiring = {}
  for i = 1, n do
    local px = tonumber(ARGV[4 + 2 * i])
    redis.call('SET', KEYS[5 + i], ARGV[3 + 2 * i], 'PX', px)
    expiring[2 * i - 1] = now + px
    expiring[2 * i] = KEYS[5 + i]
  end
  redis.call('ZADD', KEYS[5], unpack(expiring))
end
redis.call('ZADD', KEYS[4], unpack(ARGV, 5 + 2 * n, 4 + 4 * n))
local stamps = {}
for i = 1, n do
  stamps[2 * i - 1] = KEYS[5 + i]
  stamps[2 * i] = string.format('%d', base + i - 1)
end
redis.call('HSET', KEYS[3], unpack(stamps))
local overdue = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, math.max(32, n))
for _, k in ipairs(overdue) do
  local left = redis.call('PTTL', k)
  if left == -2 then
    redis.call('ZREM', KEYS[4], k); redis.call('ZREM', KEYS[5], k); redis.call('HDEL', KEYS[3], k)
  elseif left == -1 then redis.call('ZREM', KEYS[5], k)
  else redis.call('ZADD', KEYS[5], now + left + 1, k) end
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', '${EVENT_SEQ}', seq, '${EVENT_NODE}', ARGV[1], '${EVENT_OWNER}', ARGV[3], unpack(ARGV, 5 + 4 * n, 4 + 6 * n))
return base
