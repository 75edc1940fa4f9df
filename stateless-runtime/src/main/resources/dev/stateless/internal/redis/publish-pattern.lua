-- PUBLISH_PATTERN: appends a pattern event to a shard's log (after the owner's keys were deleted:
-- every reader reads every shard's log, so one shard's is enough).
-- KEYS: [1] unused (RedisKeys.noKey), [2] log, [3] sequence, [4] index, [5] expiries, [6] versions
-- ARGV: [1] node, [2] maxlen, [3] owner, [4] pattern
-- Reply: 1

--#include publish field=${EVENT_PATTERN} value=ARGV[4]
return 1
