-- Fragment release-chunks: if the string at `key` is a streamed value's pointer
-- ("\0S1 <version> <count> <length>", see StreamedValues), gives its chunks `grace` milliseconds to
-- live: readers that hold the pointer finish, then the chunks go. GETRANGE reads four bytes, so a
-- large plain value is not copied; pcall tolerates keys of another type.
-- Parameters: key, grace and chunks (the shard's chunk prefix), Lua expressions.

local head = redis.pcall('GETRANGE', ${key}, 0, 3)
if head == '\0S1 ' then
  local ver, cnt = string.match(redis.call('GET', ${key}), '^....(%S+) (%d+) ')
  if ver then
    for i = 0, tonumber(cnt) - 1 do
      redis.call('PEXPIRE', ${chunks} .. ver .. ':' .. i, ${grace})
    end
  end
end
