-- INDEX_PAGE: a page of an owner's indexed keys that start with a prefix. UTF-8 has no 0xFF byte,
-- so "[" .. prefix .. "\255" bounds exactly the members that start with the prefix.
-- KEYS: [1] index
-- ARGV: [1] start ("[prefix" or "(last key"), [2] prefix, [3] count
-- Reply: up to count keys, in order

return redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], '[' .. ARGV[2] .. '\255', 'LIMIT', 0, tonumber(ARGV[3]))
