-- GET_ALL_WITH_TTL: per key its value and remaining TTL, each read atomically (as GET_WITH_TTL); a
-- key that holds no string (another client's hash, list ...) reads as absent.
-- KEYS: a page of keys
-- Reply: {value 1 or false, PTTL 1, value 2 or false, PTTL 2, ...}

local out = {}
for i = 1, #KEYS do
  if redis.call('TYPE', KEYS[i])['ok'] == 'string' then
    out[2 * i - 1] = redis.call('GET', KEYS[i])
    out[2 * i] = redis.call('PTTL', KEYS[i])
  else
    out[2 * i - 1] = false
    out[2 * i] = -2
  end
end
return out
