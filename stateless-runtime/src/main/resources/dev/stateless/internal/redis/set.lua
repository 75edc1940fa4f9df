-- SET: sets a key, optionally only if absent or present, appends its event and indexes it.
-- KEYS: [1] key, [2] log, [3] sequence, [4] index, [5] expiries, [6] versions
-- ARGV: [1] node, [2] maxlen, [3] owner, [4] value, [5] px (> 0: expires in px ms; 0: never),
--       [6] condition: NX, XX or - (none)
-- Reply: the key's new version (fragment version) when set; 0 when the condition failed (then
--        nothing is published)

local px = tonumber(ARGV[5])
local ok
if ARGV[6] == '-' then
  if px > 0 then ok = redis.call('SET', KEYS[1], ARGV[4], 'PX', px)
  else ok = redis.call('SET', KEYS[1], ARGV[4]) end
elseif px > 0 then ok = redis.call('SET', KEYS[1], ARGV[4], 'PX', px, ARGV[6])
else ok = redis.call('SET', KEYS[1], ARGV[4], ARGV[6]) end
if not ok then return 0 end
--#include publish field=${EVENT_KEY} value=KEYS[1]
--#include index px=px versions=KEYS[6]
--#include version key=KEYS[1] versions=KEYS[6] expiries=KEYS[5] deleted=false
return ver
