-- APPLY_QUEUED: applies one record of a CLIENT_FIRST offline queue, exactly once and in order: the
-- shard's queues hash holds, per queue id, the number of the last record applied in this shard (the
-- records of one queue are numbered across shards). A record numbered at most that is a duplicate
-- (a re-send after a crash or a lost reply): "skipped". prev is the number of the queue's latest
-- earlier record in this shard that the drainer has not seen acknowledged (0: none): when the
-- counter is below it, that record failed or has not arrived: "out of order", and the drainer
-- re-sends from its first unacknowledged record. (A counter that Redis lost is 0: records already
-- acknowledged are not waited for, as prev never names them.)
--
-- The conflict rule: a conflict is another writer's write after the one the record's write was
-- based on; Redis losing data (a restart empty or from an older snapshot) is none, and the record
-- is applied. The record carries base, what the client layer knew of the key just before the write:
--   'v' .. n  its version n (fragment version): a conflict when the key's version is above n. No
--             version (Redis lost it, or the key expired and was swept) or one not above n (an
--             older snapshot) is no conflict.
--   '-'       it knew the key absent, without a version: a conflict when the key exists.
--   SHA-1 hex of the encoded value it held, without a version (a value a client outside this SDK
--             wrote, or a queued write before this one): a conflict when the key holds another
--             value, or was deleted by a writer that left a version. A key absent with no version
--             was lost by Redis: no conflict.
--   '?'       it knew nothing: a blind write, applied as it would have been online (last arrival
--             wins).
-- In a conflict the server's newer version wins: the record is not applied, the counter still
-- advances, and the reply carries the server's value ("conflict"). An applied record does what SET
-- / DEL do (event, index, version) and its event carries the record's number as field
-- EVENT_QUEUED.
--
-- A conflict is also recorded in the queue's conflicts hash (record number to '0' absent or '1' +
-- the server's value), so that a re-sent record whose first reply was lost is answered
-- "skipped-conflict" with that value rather than "skipped": the drainer reports it, then forgets it
-- (RedisStore.forgetQueuedConflict).
--
-- KEYS: [1] key, [2] log, [3] sequence, [4] index, [5] expiries, [6] queues,
--       [7] the queue's conflicts, [8] versions (all of the key's shard)
-- ARGV: [1] node, [2] maxlen, [3] owner, [4] op ('s' or 'd'), [5] value, [6] px (0: none),
--       [7] base, [8] queue id, [9] record number, [10] prev
-- Reply: {'applied', the key's new version}, {'skipped'}, {'skipped-conflict', server value or false},
--        {'out of order', last applied number}, or {'conflict', server value or false}

local q = tonumber(ARGV[9])
local applied = tonumber(redis.call('HGET', KEYS[6], ARGV[8]) or '0')
if q <= applied then
  local c = redis.call('HGET', KEYS[7], ARGV[9])
  if not c then return {'skipped'} end
  if c == '0' then return {'skipped-conflict', false} end
  return {'skipped-conflict', string.sub(c, 2)}
end
if tonumber(ARGV[10]) > applied then return {'out of order', tostring(applied)} end
redis.call('HSET', KEYS[6], ARGV[8], ARGV[9])
local base = ARGV[7]
if base ~= '?' then
  local known = redis.call('HGET', KEYS[8], KEYS[1])
  local cur = redis.pcall('GET', KEYS[1])
  local other = type(cur) == 'table' -- not a string: another client's hash, list ... (a conflict)
  if other then cur = false end
  local newer
  if string.sub(base, 1, 1) == 'v' then
    newer = other or (known and tonumber(known) > tonumber(string.sub(base, 2)))
  elseif base == '-' then
    newer = other or cur
  else
    newer = other or (cur and redis.sha1hex(cur) ~= base) or (not cur and known)
  end
  if newer then
    if cur then redis.call('HSET', KEYS[7], ARGV[9], '1' .. cur)
    else redis.call('HSET', KEYS[7], ARGV[9], '0') end
    return {'conflict', cur}
  end
end
if ARGV[4] == 's' then
  local px = tonumber(ARGV[6])
  if px > 0 then redis.call('SET', KEYS[1], ARGV[5], 'PX', px)
  else redis.call('SET', KEYS[1], ARGV[5]) end
  --#include publish field=${EVENT_KEY} value=KEYS[1], '${EVENT_QUEUED}', ARGV[9]
  --#include index px=px versions=KEYS[8]
else
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[4], KEYS[1])
  redis.call('ZREM', KEYS[5], KEYS[1])
  --#include publish field=${EVENT_KEY} value=KEYS[1], '${EVENT_QUEUED}', ARGV[9]
end
--#include version key=KEYS[1] versions=KEYS[8] expiries=KEYS[5] deleted=(ARGV[4] ~= 's')
return {'applied', string.format('%d', ver)}
