-- UNLOCK: releases a key's lock if it is still ours.
-- KEYS: [1] lock
-- ARGV: [1] token
-- Reply: 1 when released, else 0

if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
