-- INDEX_SHARDS: which of this master's shards hold, in an owner's index, a key starting with a
-- prefix (Redis Cluster: one call per master instead of one per slot). It reads keys of several
-- slots of this node, which a script without flags may; a slot not served here is an error, and
-- the caller asks again once it knows the slots' masters.
-- KEYS: none
-- ARGV: [1] the index's name before the shard tag, [2] its name after the tag, [3] the prefix,
--       then the shard tags to look in
-- Reply: the tags of the shards with a match

local out = {}
local from, to = '[' .. ARGV[3], '[' .. ARGV[3] .. '\255'
for i = 4, #ARGV do
  if #redis.call('ZRANGEBYLEX', ARGV[1] .. ARGV[i] .. ARGV[2], from, to, 'LIMIT', 0, 1) > 0 then
    out[#out + 1] = ARGV[i]
  end
end
return out
