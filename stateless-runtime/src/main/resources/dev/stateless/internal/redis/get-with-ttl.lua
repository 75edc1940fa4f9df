-- GET_WITH_TTL: a key's value and remaining TTL read in one step, so a fill's copy never outlives
-- it.
-- KEYS: [1] key
-- Reply: {value or false, PTTL in ms (-1: none, -2: absent)}

return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}
