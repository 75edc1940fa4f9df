-- INCRBY: adds to an integer value, keeping its type tag ('s' text stays text, as in Redis; the
-- other integer tags become 'l') and its TTL, and appends its event. Lua numbers are doubles, so
-- the result must stay below 2^53.
-- KEYS: [1] key, [2] stream, [3] sequences, [4] index, [5] expiries, [6] versions
-- ARGV: [1] node, [2] maxlen, [3] delta
-- Reply: the new value; an error reply (WRONGTYPE, ERR) when the value is no integer or overflows

local v = redis.call('GET', KEYS[1])
local tag, n = 'l', 0
if v then
  tag = string.sub(v, 1, 1)
  n = tonumber(string.sub(v, 2))
  if (tag ~= 'l' and tag ~= 'i' and tag ~= 'h' and tag ~= 'y' and tag ~= 's') or n == nil or n ~= math.floor(n) then
    return redis.error_reply('WRONGTYPE value is not an integer')
  end
  if tag ~= 's' then tag = 'l' end
end
n = n + tonumber(ARGV[3])
if math.abs(n) >= 9007199254740992 then return redis.error_reply('ERR increment overflows 2^53') end
redis.call('SET', KEYS[1], tag .. string.format('%d', n), 'KEEPTTL')
--#include publish field=${EVENT_KEY} value=KEYS[1]
--#include index px=-1 versions=KEYS[6]
--#include version key=KEYS[1] versions=KEYS[6] expiries=KEYS[5] deleted=false
return n
