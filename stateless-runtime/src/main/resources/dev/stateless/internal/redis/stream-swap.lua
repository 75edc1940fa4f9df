-- STREAM_SWAP: points a key at a streamed value's fully written chunks. Every chunk must still be
-- there (else nothing changes); the chunks then live as long as the pointer (plus the grace), the
-- old value's chunks get the grace, and the pointer is set, its event published and indexed as SET
-- does. It touches every chunk of both values (about 10 us each): StreamedValues.MAX_CHUNKS bounds
-- how long it blocks Redis.
-- KEYS: [1] key, [2] log, [3] sequence, [4] index, [5] expiries, [6] versions
-- ARGV: [1] node, [2] maxlen, [3] owner, [4] pointer, [5] px (0: none), [6] grace, [7] version,
--       [8] chunk count, [9] the shard's chunk prefix
-- Reply: 1; an error reply STALE when a chunk of the new value expired

local px = tonumber(ARGV[5])
local grace = tonumber(ARGV[6])
local count = tonumber(ARGV[8])
for i = 0, count - 1 do
  if redis.call('EXISTS', ARGV[9] .. ARGV[7] .. ':' .. i) == 0 then
    return redis.error_reply('STALE chunk ' .. i .. ' of the new value expired before it was complete')
  end
end
for i = 0, count - 1 do
  local c = ARGV[9] .. ARGV[7] .. ':' .. i
  if px > 0 then redis.call('PEXPIRE', c, px + grace) else redis.call('PERSIST', c) end
end
--#include release-chunks key=KEYS[1] grace=grace chunks=ARGV[9]
if px > 0 then redis.call('SET', KEYS[1], ARGV[4], 'PX', px)
else redis.call('SET', KEYS[1], ARGV[4]) end
--#include publish field=${EVENT_KEY} value=KEYS[1]
--#include index px=px versions=KEYS[6]
--#include version key=KEYS[1] versions=KEYS[6] expiries=KEYS[5] deleted=false
return 1
