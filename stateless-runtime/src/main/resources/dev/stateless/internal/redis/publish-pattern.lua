-- PUBLISH_PATTERN: appends a pattern event to an owner's stream (after its keys were deleted).
-- KEYS: [1] unused (RedisKeys.NO_KEY), [2] stream, [3] sequences, [4] index, [5] expiries
-- ARGV: [1] node, [2] maxlen, [3] pattern
-- Reply: 1

--#include publish field=${EVENT_PATTERN} value=ARGV[3]
return 1
