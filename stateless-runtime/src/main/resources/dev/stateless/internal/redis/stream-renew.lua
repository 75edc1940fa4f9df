-- STREAM_RENEW: extends the leases of chunks first..last of a write in progress; the writer sends
-- one per StreamedValues.RENEW_BATCH chunks, so none blocks Redis for long.
-- KEYS: [1] chunk first (it routes the script to the chunks' shard in Redis Cluster)
-- ARGV: [1] the chunks' prefix (the shard's chunk prefix, the version and ':'), [2] first,
--       [3] last chunk index, [4] lease in ms
-- Reply: how many of the chunks exist

local n = 0
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do
  n = n + redis.call('PEXPIRE', ARGV[1] .. i, ARGV[4])
end
return n
