-- LOCK: takes a key's lock if it is free (or already ours).
-- KEYS: [1] lock, [2] key
-- ARGV: [1] token, [2] px
-- Reply: {1, current value or false} when taken; else {0}

local lk = redis.call('GET', KEYS[1])
if lk and lk ~= ARGV[1] then return {0} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, redis.call('GET', KEYS[2])}
