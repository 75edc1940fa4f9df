-- COMPARE_AND_SET: sets or deletes a key only if it still holds what was read and no other node
-- holds its lock; releases the lock if the token holds it. A set keeps the key's TTL unless told
-- to give it the new one (ARGV[10]).
-- KEYS: [1] key, [2] log, [3] sequence, [4] index, [5] expiries, [6] lock, [7] versions
-- ARGV: [1] node, [2] maxlen, [3] owner, [4] lock token ('' for none), [5] expected: '-' absent,
--       '=' the value in ARGV[6], [6] expected value, [7] op: 's' set, 'd' delete, [8] new value,
--       [9] px for a key that did not exist (0: none), [10] 'k' an existing key keeps its TTL, 'r'
--       it takes px too
-- Reply: {1} when applied (or when the key already holds the new value and keeps its TTL: then
--        nothing is written, published or versioned); else {0, current value or false}: the key changed since it was read,
--        or another node holds the key's lock (then nothing is published)

local lk = redis.call('GET', KEYS[6])
local cur = redis.call('GET', KEYS[1])
if (lk and lk ~= ARGV[4]) or (ARGV[5] == '-' and cur) or (ARGV[5] == '=' and cur ~= ARGV[6]) then return {0, cur} end
if lk then redis.call('DEL', KEYS[6]) end
if ARGV[7] == 's' and cur and cur == ARGV[8] and ARGV[10] ~= 'r' then return {1} end
local px = -1
if ARGV[7] == 'd' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[4], KEYS[1])
  redis.call('ZREM', KEYS[5], KEYS[1])
elseif cur and ARGV[10] ~= 'r' then redis.call('SET', KEYS[1], ARGV[8], 'KEEPTTL')
else
  px = tonumber(ARGV[9])
  if px > 0 then redis.call('SET', KEYS[1], ARGV[8], 'PX', px)
  else redis.call('SET', KEYS[1], ARGV[8]) end
end
--#include publish field=${EVENT_KEY} value=KEYS[1]
if ARGV[7] ~= 'd' then
  --#include index px=px versions=KEYS[7]
end
--#include version key=KEYS[1] versions=KEYS[7] expiries=KEYS[5] deleted=(ARGV[7] == 'd')
return {1}
