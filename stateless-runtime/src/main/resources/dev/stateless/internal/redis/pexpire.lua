-- PEXPIRE: gives an existing key a time to live, appends its event and indexes its expiry.
-- KEYS: [1] key, [2] log, [3] sequence, [4] index, [5] expiries, [6] versions
-- ARGV: [1] node, [2] maxlen, [3] owner, [4] millis
-- Reply: 1 when set; 0 when the key does not exist (then nothing is published)

local n = redis.call('PEXPIRE', KEYS[1], ARGV[4])
if n == 0 then return 0 end
local px = tonumber(ARGV[4])
--#include publish field=${EVENT_KEY} value=KEYS[1]
--#include index px=px versions=KEYS[6]
return 1
