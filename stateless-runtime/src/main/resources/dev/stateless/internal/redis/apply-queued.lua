-- APPLY_QUEUED: applies one record of a CLIENT_FIRST offline queue, exactly once and in order: the
-- queues hash holds, per queue id, the number of the last record applied. A record numbered at most
-- that is a duplicate (a re-send after a crash or a lost reply): "skipped". One numbered past the
-- next means an earlier one failed: "out of order", and the drainer re-sends from its first
-- unacknowledged record. floor is the number below the drainer's oldest record: everything below it
-- was acknowledged, so a counter behind it (Redis lost its data) is raised.
--
-- The conflict rule: a record carries base, the SHA-1 hex of the encoded value the client layer held
-- for the key just before the write ("-": it knew the key absent, "?": it knew nothing). When base
-- is not "?" and the server's current value differs from it, the server's newer version wins: the
-- record is not applied, the counter still advances, and the reply carries the server's value
-- ("conflict"). A "?" base is a blind write, applied as it would have been online (last arrival
-- wins). An applied record does what SET / DEL do (event, index) and its event carries the record's
-- number as field EVENT_QUEUED.
--
-- A conflict is also recorded in the queue's conflicts hash (record number to '0' absent or '1' +
-- the server's value), so that a re-sent record whose first reply was lost is answered
-- "skipped-conflict" with that value rather than "skipped": the drainer reports it, then forgets it
-- (RedisStore.forgetQueuedConflict).
--
-- KEYS: [1] key, [2] stream, [3] sequences, [4] index, [5] expiries, [6] queues,
--       [7] the queue's conflicts
-- ARGV: [1] node, [2] maxlen, [3] op ('s' or 'd'), [4] value, [5] px (0: none), [6] base,
--       [7] queue id, [8] record number, [9] floor
-- Reply: {'applied'}, {'skipped'}, {'skipped-conflict', server value or false},
--        {'out of order', last applied number}, or {'conflict', server value or false}

local q = tonumber(ARGV[8])
local applied = tonumber(redis.call('HGET', KEYS[6], ARGV[7]) or '0')
if applied < tonumber(ARGV[9]) then applied = tonumber(ARGV[9]) end
if q <= applied then
  local c = redis.call('HGET', KEYS[7], ARGV[8])
  if not c then return {'skipped'} end
  if c == '0' then return {'skipped-conflict', false} end
  return {'skipped-conflict', string.sub(c, 2)}
end
if q > applied + 1 then return {'out of order', tostring(applied)} end
redis.call('HSET', KEYS[6], ARGV[7], ARGV[8])
if ARGV[6] ~= '?' then
  local cur = redis.pcall('GET', KEYS[1])
  local h = '-'
  if type(cur) == 'table' then h = 'x'; cur = false
  elseif cur then h = redis.sha1hex(cur) end
  if h ~= ARGV[6] then
    if cur then redis.call('HSET', KEYS[7], ARGV[8], '1' .. cur)
    else redis.call('HSET', KEYS[7], ARGV[8], '0') end
    return {'conflict', cur}
  end
end
if ARGV[3] == 's' then
  local px = tonumber(ARGV[5])
  if px > 0 then redis.call('SET', KEYS[1], ARGV[4], 'PX', px)
  else redis.call('SET', KEYS[1], ARGV[4]) end
  --#include publish field=${EVENT_KEY} value=KEYS[1], '${EVENT_QUEUED}', ARGV[8]
  --#include index px=px
else
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[4], KEYS[1])
  redis.call('ZREM', KEYS[5], KEYS[1])
  --#include publish field=${EVENT_KEY} value=KEYS[1], '${EVENT_QUEUED}', ARGV[8]
end
return {'applied'}
