-- Fragment index: keeps the owner's key index, a sorted set of its keys (score 0, so a prefix is
-- one ZRANGEBYLEX range), plus a sorted set of expiry times. Every 16th event of an owner (by the
-- `seq` that publish leaves) sweeps up to 32 overdue members, so keys that expired leave the index
-- (one still alive, its expiry moved or at the millisecond boundary, is scored again; a stale
-- member of a key that no longer expires is dropped; a key gone also loses its version, a delete's
-- tombstone included: see fragment version). The code is inlined, not in Lua functions or
-- tables: those cost a third of a write's throughput, as does sweeping every time.
-- Needs: KEYS[1] key, KEYS[4] index, KEYS[5] expiries; the local `seq`.
-- Parameters: px, an expression: > 0 the key expires in px ms, 0 never, < 0 keeps its expiry;
-- versions, the owner's versions hash.

redis.call('ZADD', KEYS[4], 0, KEYS[1])
if ${px} > 0 or seq % 16 == 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if ${px} > 0 then redis.call('ZADD', KEYS[5], now + ${px}, KEYS[1]) end
  if seq % 16 == 0 then
    local overdue = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, 32)
    for _, k in ipairs(overdue) do
      local left = redis.call('PTTL', k)
      if left == -2 then
        redis.call('ZREM', KEYS[4], k); redis.call('ZREM', KEYS[5], k); redis.call('HDEL', ${versions}, k)
      elseif left == -1 then redis.call('ZREM', KEYS[5], k)
      else redis.call('ZADD', KEYS[5], now + left + 1, k) end
    end
  end
end
