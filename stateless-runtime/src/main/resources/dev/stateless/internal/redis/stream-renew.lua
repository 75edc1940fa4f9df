-- STREAM_RENEW: extends the leases of chunks first..last of a write in progress; the writer sends
-- one per StreamedValues.RENEW_BATCH chunks, so none blocks Redis for long.
-- ARGV: [1] version, [2] first, [3] last chunk index, [4] lease in ms
-- Reply: how many of the chunks exist

local n = 0
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do
  n = n + redis.call('PEXPIRE', '${CHUNK_PREFIX}' .. ARGV[1] .. ':' .. i, ARGV[4])
end
return n
