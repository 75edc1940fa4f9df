-- GET_WITH_TTL: a key's value and remaining TTL read in one step, so a fill's copy never outlives
-- it, with the key's version (fragment version), which an offline write of it names as its base.
-- KEYS: [1] key, [2] the owner's versions
-- Reply: {value or false, PTTL in ms (-1: none, -2: absent), version or false (none recorded)}

return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]), redis.call('HGET', KEYS[2], KEYS[1])}
