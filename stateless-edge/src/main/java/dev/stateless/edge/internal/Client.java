package dev.stateless.edge.internal;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * One connection's state, Redis's {@code client}: its id, name, protocol, authentication and the
 * library it says it is. Read and written on the connection's event loop only, except the fields
 * {@code CLIENT LIST} reads from other connections (volatile).
 */
public final class Client {
  private final long id;
  private final Channel channel;
  private final boolean passwordRequired;
  private final long createdMillis;

  private volatile @Nullable String name;
  private volatile @Nullable String libName;
  private volatile @Nullable String libVersion;
  private volatile int protocol = 2;
  private volatile boolean authenticated;
  private volatile String user = Users.DEFAULT;
  private volatile long lastInteractionMillis;
  private volatile String lastCommand = "NULL";
  private boolean closeAfterReply;
  private final MultiState multi = new MultiState();

  // Pushes (PubSub, Tracking): channels and patterns subscribed, and the tracking options.
  private volatile int subscriptions;
  private volatile @Nullable ClientTracking tracking;

  Client(long id, Channel channel, boolean passwordRequired, long nowMillis) {
    this.id = id;
    this.channel = channel;
    this.passwordRequired = passwordRequired;
    this.authenticated = !passwordRequired;
    this.createdMillis = nowMillis;
    this.lastInteractionMillis = nowMillis;
  }

  /** The connection's id ({@code CLIENT ID}), unique within the node. */
  public long id() {
    return id;
  }

  /** The connection. */
  public Channel channel() {
    return channel;
  }

  /** RESP2 or RESP3. */
  public int protocol() {
    return protocol;
  }

  void protocol(int version) {
    this.protocol = version;
  }

  /** Whether the connection must still authenticate before running commands. */
  public boolean authRequired() {
    return !authenticated;
  }

  void authenticated(boolean authenticated) {
    this.authenticated = authenticated;
  }

  /** The user the connection acts as: {@code default}, or a component's ({@code AUTH}). */
  public String user() {
    return user;
  }

  /** Authenticates the connection as {@code user}. */
  void authenticatedAs(String user) {
    this.user = user;
    this.authenticated = true;
  }

  /** Back to a new connection's state ({@code RESET}). */
  void reset() {
    protocol = 2;
    name = null;
    authenticated = !passwordRequired;
    user = Users.DEFAULT;
    multi.end();
  }

  /** The connection's {@code MULTI} and {@code WATCH} state. */
  MultiState multi() {
    return multi;
  }

  @Nullable String name() {
    return name;
  }

  void name(@Nullable String name) {
    this.name = name;
  }

  void libName(String libName) {
    this.libName = libName;
  }

  void libVersion(String libVersion) {
    this.libVersion = libVersion;
  }

  /** Channels and patterns subscribed ({@link PubSub}); above 0, RESP2 allows pub/sub only. */
  int subscriptions() {
    return subscriptions;
  }

  void subscriptions(int count) {
    this.subscriptions = count;
  }

  /** The connection's {@code CLIENT TRACKING} options, or null while tracking is off. */
  @Nullable ClientTracking tracking() {
    return tracking;
  }

  void tracking(@Nullable ClientTracking options) {
    this.tracking = options;
  }

  void commandStarted(String command, long nowMillis) {
    lastCommand = command;
    lastInteractionMillis = nowMillis;
  }

  /** Close the connection once the reply being written is sent ({@code QUIT}, a kill of self). */
  void closeAfterReply() {
    closeAfterReply = true;
  }

  boolean closingAfterReply() {
    return closeAfterReply;
  }

  /** {@code ip:port} of the client. */
  String address() {
    return format(channel.remoteAddress());
  }

  /** {@code ip:port} of the node's end. */
  String localAddress() {
    return format(channel.localAddress());
  }

  private static String format(@Nullable SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host =
          inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      return host + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  /** The connection as {@code CLIENT LIST} and {@code CLIENT INFO} show it (Redis 7.2's fields). */
  String describe(long nowMillis) {
    String n = name;
    String ln = libName;
    String lv = libVersion;
    return "id="
        + id
        + " addr="
        + address()
        + " laddr="
        + localAddress()
        + " fd=-1 name="
        + (n == null ? "" : n)
        + " age="
        + (nowMillis - createdMillis) / 1000
        + " idle="
        + (nowMillis - lastInteractionMillis) / 1000
        + " flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=0"
        + " multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd="
        + lastCommand
        + " user="
        + user
        + " redir=-1 resp="
        + protocol
        + " lib-name="
        + (ln == null ? "" : ln)
        + " lib-ver="
        + (lv == null ? "" : lv);
  }

  @Override
  public String toString() {
    return "Client[id=" + id + ", addr=" + address() + "]";
  }
}
