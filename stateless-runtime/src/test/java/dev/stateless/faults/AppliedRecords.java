package dev.stateless.faults;

import dev.stateless.internal.redis.InvalidationEvent;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.testing.RedisDeployment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The offline-queue records Redis applied, as an owner's invalidation stream tells: an applied
 * record appends one event carrying its record number ({@link InvalidationEvent#QUEUED}) and its
 * node ({@link InvalidationEvent#NODE}); a record skipped as a duplicate appends none.
 */
final class AppliedRecords {
  private static final Pattern STREAM_ID = Pattern.compile("\\d+-\\d+");

  /** One applied record: who queued it, its number in that node's queue, its key. */
  record Applied(String node, long number, String key) {}

  private AppliedRecords() {}

  /** The records applied to {@code owner}'s keys, in log order (the log keeps 10,000 events). */
  static List<Applied> of(RedisDeployment redis, String owner) {
    String reply = redis.command("XRANGE", RedisKeys.log(RedisKeys.STANDALONE), "-", "+");
    List<Applied> out = new ArrayList<>();
    if (reply == null || reply.isEmpty()) {
      return out;
    }
    Map<String, String> fields = new HashMap<>();
    String[] lines = reply.split("\n");
    for (int i = 0; i <= lines.length; i++) {
      if (i == lines.length || STREAM_ID.matcher(lines[i]).matches()) {
        String q = fields.get(InvalidationEvent.QUEUED);
        if (q != null && owner.equals(fields.get(InvalidationEvent.OWNER))) {
          out.add(
              new Applied(
                  fields.getOrDefault(InvalidationEvent.NODE, "?"),
                  Long.parseLong(q),
                  fields.getOrDefault(InvalidationEvent.KEY, "?")));
        }
        fields.clear();
        continue;
      }
      if (i + 1 < lines.length) {
        fields.put(lines[i], lines[i + 1]);
        i++;
      }
    }
    return out;
  }

  /** How many records were applied more than once: per node, events beyond distinct numbers. */
  static long duplicates(List<Applied> applied) {
    Map<String, Set<Long>> seen = new HashMap<>();
    long duplicates = 0;
    for (Applied a : applied) {
      if (!seen.computeIfAbsent(a.node(), n -> new HashSet<>()).add(a.number())) {
        duplicates++;
      }
    }
    return duplicates;
  }
}
