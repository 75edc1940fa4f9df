-- Fragment version: gives the key a new version in its owner's versions hash, for this write: the
-- server's time in microseconds, or one more than the key's last version when that is not older (a
-- clock that went back). Versions only grow, so writes made after Redis came back empty or from an
-- older snapshot are still numbered above every version a client read before: an offline write
-- tells "another writer came after what I read" (a version above its base) from "Redis lost data"
-- (no version, or an older one). A delete's version is kept as a tombstone for
-- ${TOMBSTONE_MILLIS} ms: it is put in the expiry set, whose sweep (fragment index) drops it.
-- Leaves the version in the local `ver`.
-- Parameters: key, the key written; versions, the owner's versions hash; expiries, the owner's
-- expiry set; deleted, an expression: true when the write deleted the key.

local vt = redis.call('TIME')
local ver = tonumber(vt[1]) * 1000000 + tonumber(vt[2])
local last = tonumber(redis.call('HGET', ${versions}, ${key}) or '0')
if last >= ver then ver = last + 1 end
redis.call('HSET', ${versions}, ${key}, string.format('%d', ver))
if ${deleted} then redis.call('ZADD', ${expiries}, math.floor(ver / 1000) + ${TOMBSTONE_MILLIS}, ${key}) end
