-- SET_MANY: sets several keys of one shard (the unconditional sets of one flush of a node's
-- connection), in order, with one event listing them all, indexed and versioned as SET does each.
-- KEYS: [1] log, [2] sequence, [3] versions, then per write: key, index, expiries
-- ARGV: [1] node, [2] maxlen, then per write: value, px (> 0: expires in px ms; 0: never), owner
-- Reply: per write, the key's new version (fragment version)

local n = (#KEYS - 3) / 3
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base = tonumber(t[1]) * 1000000 + tonumber(t[2])
local seq = redis.call('HINCRBY', KEYS[2], '${SEQUENCE_FIELD}', 1)
local event = {'${EVENT_SEQ}', seq, '${EVENT_NODE}', ARGV[1]}
local versions = {}
local sweep = seq % 16 == 0
for i = 0, n - 1 do
  local k, idx, exp = KEYS[4 + 3 * i], KEYS[5 + 3 * i], KEYS[6 + 3 * i]
  local px = tonumber(ARGV[4 + 3 * i])
  if px > 0 then
    redis.call('SET', k, ARGV[3 + 3 * i], 'PX', px)
    redis.call('ZADD', exp, now + px, k)
  else
    redis.call('SET', k, ARGV[3 + 3 * i])
  end
  redis.call('ZADD', idx, 0, k)
  local ver = base + i
  local last = tonumber(redis.call('HGET', KEYS[3], k) or '0')
  if last >= ver then ver = last + 1 end
  redis.call('HSET', KEYS[3], k, string.format('%d', ver))
  versions[i + 1] = ver
  event[#event + 1] = '${EVENT_OWNER}' .. (i + 1)
  event[#event + 1] = ARGV[5 + 3 * i]
  event[#event + 1] = '${EVENT_KEY}' .. (i + 1)
  event[#event + 1] = k
  if sweep and (i == n - 1 or exp ~= KEYS[9 + 3 * i]) then
    local overdue = redis.call('ZRANGEBYSCORE', exp, '-inf', now, 'LIMIT', 0, 32)
    for _, o in ipairs(overdue) do
      local left = redis.call('PTTL', o)
      if left == -2 then
        redis.call('ZREM', idx, o); redis.call('ZREM', exp, o); redis.call('HDEL', KEYS[3], o)
      elseif left == -1 then redis.call('ZREM', exp, o)
      else redis.call('ZADD', exp, now + left + 1, o) end
    end
  end
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(event))
return versions
