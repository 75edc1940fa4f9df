package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.EdgeChannels.call;
import static dev.stateless.edge.internal.EdgeChannels.replies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.core.Manifest;
import dev.stateless.internal.KeyChanges;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client-side caching over the whole pipeline, on a node whose keys live in an in-process cache:
 * the invalidations and replies as redis-server 7.0 sends them (each expected string was read from
 * a redis-server 7.0.15 given the same requests).
 */
class TrackingTest {
  private static final String INVALIDATE_K = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";

  private final StatelessCache cache = StatelessCache.builder().manifest(Manifest.empty()).build();
  private final NodeContext node =
      NodeContext.create(
          EdgeChannels.config(),
          NodeClock.SYSTEM,
          List.of(new KeyCommands(cache, NodeClock.SYSTEM, true)));

  {
    KeyChanges.observe(cache, node.tracking());
  }

  @AfterEach
  void close() {
    cache.close();
  }

  private EmbeddedChannel open() {
    return EdgeChannels.open(node);
  }

  private EmbeddedChannel resp3() {
    EmbeddedChannel ch = open();
    call(ch, "HELLO", "3");
    return ch;
  }

  /** What the connection was sent, pushes included. */
  private static String received(EmbeddedChannel ch) {
    ch.runPendingTasks();
    return replies(ch);
  }

  private static long id(EmbeddedChannel ch) {
    String reply = call(ch, "CLIENT", "ID");
    return Long.parseLong(reply.substring(1, reply.length() - 2));
  }

  @Test
  void defaultMode_aKeyReadIsInvalidatedOnce_whenAnotherConnectionWritesIt() {
    EmbeddedChannel reader = resp3();
    EmbeddedChannel writer = open();
    assertThat(call(reader, "CLIENT", "TRACKING", "on")).isEqualTo("+OK\r\n");
    assertThat(call(reader, "GET", "k")).isEqualTo("_\r\n");
    assertThat(call(writer, "SET", "k", "v")).isEqualTo("+OK\r\n");
    assertThat(received(reader)).isEqualTo(INVALIDATE_K);
    call(writer, "SET", "k", "v2");
    assertThat(received(reader)).isEmpty(); // forgotten until read again
    assertThat(call(reader, "GET", "k")).isEqualTo("$2\r\nv2\r\n");
    call(writer, "DEL", "k");
    assertThat(received(reader)).isEqualTo(INVALIDATE_K);
  }

  @Test
  void ownWrites_areInvalidatedAfterTheirReply_unlessNoloop() {
    EmbeddedChannel ch = resp3();
    call(ch, "CLIENT", "TRACKING", "on");
    call(ch, "GET", "k");
    assertThat(call(ch, "SET", "k", "v2") + received(ch)).isEqualTo("+OK\r\n" + INVALIDATE_K);

    EmbeddedChannel noloop = resp3();
    EmbeddedChannel other = open();
    call(noloop, "CLIENT", "TRACKING", "on", "NOLOOP");
    call(noloop, "GET", "k");
    assertThat(call(noloop, "SET", "k", "mine") + received(noloop)).isEqualTo("+OK\r\n");
    call(noloop, "GET", "k");
    call(other, "SET", "k", "theirs");
    assertThat(received(noloop)).isEqualTo(INVALIDATE_K);
  }

  @Test
  void everyKeyOfAMultiKeyRead_isTracked() {
    EmbeddedChannel reader = resp3();
    call(reader, "CLIENT", "TRACKING", "on");
    call(reader, "MGET", "k", "j");
    call(open(), "MSET", "k", "1", "j", "2");
    assertThat(received(reader))
        .isEqualTo(INVALIDATE_K + ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nj\r\n");
  }

  @Test
  void optin_tracksOnlyAfterCachingYes_optout_skipsAfterCachingNo() {
    EmbeddedChannel optin = resp3();
    EmbeddedChannel writer = open();
    call(optin, "CLIENT", "TRACKING", "on", "OPTIN");
    call(optin, "GET", "k");
    call(writer, "SET", "k", "1");
    assertThat(received(optin)).isEmpty();
    assertThat(call(optin, "CLIENT", "CACHING", "yes")).isEqualTo("+OK\r\n");
    call(optin, "GET", "k");
    call(optin, "GET", "j"); // the answer was used up by the GET before
    call(writer, "MSET", "k", "2", "j", "2");
    assertThat(received(optin)).isEqualTo(INVALIDATE_K);

    EmbeddedChannel optout = resp3();
    call(optout, "CLIENT", "TRACKING", "on", "OPTOUT");
    call(optout, "CLIENT", "CACHING", "no");
    call(optout, "GET", "k");
    call(optout, "GET", "j");
    call(writer, "MSET", "k", "3", "j", "3");
    assertThat(received(optout)).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nj\r\n");
  }

  @Test
  void bcast_everyChangeUnderAPrefix() {
    EmbeddedChannel ch = resp3();
    EmbeddedChannel writer = open();
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b"))
        .isEqualTo("+OK\r\n");
    call(writer, "MSET", "a1", "1", "b1", "2", "c1", "3");
    assertThat(received(ch))
        .isEqualTo(
            ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\na1\r\n"
                + ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nb1\r\n");
    call(writer, "SET", "a1", "again");
    assertThat(received(ch)).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\na1\r\n");
    assertThat(call(ch, "CLIENT", "TRACKINGINFO"))
        .isEqualTo(
            "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n"
                + "$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  }

  @Test
  void redirect_toAResp2SubscriberOfTheInvalidateChannel() {
    EmbeddedChannel sub = open();
    long subId = id(sub);
    call(sub, "SUBSCRIBE", "__redis__:invalidate");
    EmbeddedChannel tracked = open();
    assertThat(call(tracked, "CLIENT", "TRACKING", "on", "REDIRECT", String.valueOf(subId)))
        .isEqualTo("+OK\r\n");
    assertThat(call(tracked, "CLIENT", "GETREDIR")).isEqualTo(":" + subId + "\r\n");
    call(tracked, "GET", "k");
    call(open(), "SET", "k", "1");
    assertThat(received(sub))
        .isEqualTo("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
    assertThat(received(tracked)).isEmpty();
  }

  @Test
  void aRedirectGone_isTrackingRedirBroken_forAResp3Connection() {
    EmbeddedChannel sub = open();
    long subId = id(sub);
    call(sub, "SUBSCRIBE", "__redis__:invalidate");
    EmbeddedChannel tracked = resp3();
    call(tracked, "CLIENT", "TRACKING", "on", "REDIRECT", String.valueOf(subId));
    call(tracked, "GET", "k");
    sub.close();
    call(open(), "SET", "k", "5");
    assertThat(received(tracked))
        .isEqualTo(">2\r\n$21\r\ntracking-redir-broken\r\n:" + subId + "\r\n");
    assertThat(call(tracked, "CLIENT", "TRACKINGINFO"))
        .isEqualTo(
            "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:"
                + subId
                + "\r\n$8\r\nprefixes\r\n*0\r\n");
  }

  @Test
  void aFullTable_forgetsTheOldestKey_andInvalidatesIt() {
    node.tracking().maxKeys(2);
    EmbeddedChannel reader = resp3();
    call(reader, "CLIENT", "TRACKING", "on");
    call(reader, "GET", "a");
    call(reader, "GET", "b");
    assertThat(received(reader)).isEmpty();
    assertThat(call(reader, "GET", "c") + received(reader))
        .isEqualTo("_\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n");
    assertThat(node.tracking().trackedKeys()).isEqualTo(2);
  }

  @Test
  void aPatternInvalidation_invalidatesTheMatchingKeys_andFlushesBcastConnections() {
    EmbeddedChannel reader = resp3();
    EmbeddedChannel bcast = resp3();
    call(reader, "CLIENT", "TRACKING", "on");
    call(bcast, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:");
    call(reader, "MGET", "user:1", "user:2", "order:1");
    cache.sync().invalidatePattern("user:*");
    assertThat(received(reader))
        .isEqualTo(
            ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nuser:1\r\n"
                + ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nuser:2\r\n");
    assertThat(received(bcast)).isEqualTo(">2\r\n$10\r\ninvalidate\r\n_\r\n");
  }

  @Test
  void lostTrack_flushesEveryTrackingConnection() {
    EmbeddedChannel resp3 = resp3();
    EmbeddedChannel sub = open();
    long subId = id(sub);
    call(sub, "SUBSCRIBE", "__redis__:invalidate");
    EmbeddedChannel resp2 = open();
    call(resp3, "CLIENT", "TRACKING", "on");
    call(resp2, "CLIENT", "TRACKING", "on", "REDIRECT", String.valueOf(subId));
    node.tracking().everythingChanged();
    assertThat(received(resp3)).isEqualTo(">2\r\n$10\r\ninvalidate\r\n_\r\n");
    assertThat(received(sub))
        .isEqualTo("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
  }

  @Test
  void offAndReset_stopTheInvalidations() {
    EmbeddedChannel reader = resp3();
    call(reader, "CLIENT", "TRACKING", "on");
    call(reader, "GET", "k");
    assertThat(call(reader, "CLIENT", "TRACKING", "off")).isEqualTo("+OK\r\n");
    call(open(), "SET", "k", "1");
    assertThat(received(reader)).isEmpty();
    call(reader, "CLIENT", "TRACKING", "on");
    call(reader, "GET", "k");
    assertThat(call(reader, "RESET")).isEqualTo("+RESET\r\n");
    call(open(), "SET", "k", "2");
    assertThat(received(reader)).isEmpty();
    assertThat(call(reader, "CLIENT", "GETREDIR")).isEqualTo(":-1\r\n");
  }

  @Test
  void trackingOptionsAndErrors_asRedisWordsThem() {
    EmbeddedChannel ch = resp3();
    assertThat(call(ch, "CLIENT", "TRACKINGINFO"))
        .isEqualTo(
            "%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n"
                + "*0\r\n");
    assertThat(call(ch, "CLIENT", "CACHING", "yes"))
        .isEqualTo(
            "-ERR CLIENT CACHING can be called only when the client is in tracking mode with"
                + " OPTIN or OPTOUT mode enabled\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "PREFIX", "a"))
        .isEqualTo("-ERR PREFIX option requires BCAST mode to be enabled\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"))
        .isEqualTo("-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "BCAST", "OPTIN"))
        .isEqualTo("-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "REDIRECT", "99999"))
        .isEqualTo("-ERR The client ID you want redirect to does not exist\r\n");
    long me = id(ch);
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "REDIRECT", "" + me, "REDIRECT", "" + me))
        .isEqualTo("-ERR A client can only redirect to a single other client\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "maybe")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "FOO")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"))
        .isEqualTo(
            "-ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single"
                + " client must not overlap.\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING"))
        .isEqualTo("-ERR wrong number of arguments for 'client|tracking' command\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "on")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "BCAST"))
        .isEqualTo(
            "-ERR You can't switch BCAST mode on/off before disabling tracking for this client,"
                + " and then re-enabling it with a different mode.\r\n");
    assertThat(call(ch, "CLIENT", "CACHING", "yes"))
        .isEqualTo(
            "-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n");
    assertThat(call(ch, "CLIENT", "GETREDIR")).isEqualTo(":0\r\n");
    call(ch, "CLIENT", "TRACKING", "off");
    call(ch, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b", "NOLOOP");
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "abc"))
        .isEqualTo(
            "-ERR Prefix 'abc' overlaps with an existing prefix 'a'. Prefixes for a single client"
                + " must not overlap.\r\n");
    call(ch, "CLIENT", "TRACKING", "off");
    call(ch, "CLIENT", "TRACKING", "on", "OPTIN");
    assertThat(call(ch, "CLIENT", "CACHING", "no"))
        .isEqualTo(
            "-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n");
    assertThat(call(ch, "CLIENT", "CACHING", "maybe")).isEqualTo("-ERR syntax error\r\n");
    call(ch, "CLIENT", "CACHING", "yes");
    assertThat(call(ch, "CLIENT", "TRACKINGINFO"))
        .isEqualTo(
            "%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n"
                + "$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n");
    assertThat(call(ch, "CLIENT", "TRACKING", "on", "OPTOUT"))
        .isEqualTo(
            "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client,"
                + " and then re-enabling it with a different mode.\r\n");
  }
}
