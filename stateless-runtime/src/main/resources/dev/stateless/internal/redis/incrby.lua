-- INCRBY: Redis's own INCRBY (so a value any client wrote as decimal text counts, and the result is
-- text any client reads), keeping the key's TTL, and appends its event.
-- KEYS: [1] key, [2] stream, [3] sequences, [4] index, [5] expiries, [6] versions
-- ARGV: [1] node, [2] maxlen, [3] delta
-- Reply: the new value; Redis's error reply when the value is no integer or the sum overflows

local n = redis.pcall('INCRBY', KEYS[1], ARGV[3])
if type(n) == 'table' and n.err then return n end
--#include publish field=${EVENT_KEY} value=KEYS[1]
--#include index px=-1 versions=KEYS[6]
--#include version key=KEYS[1] versions=KEYS[6] expiries=KEYS[5] deleted=false
return n
