package dev.stateless.edge.internal;

import java.util.Locale;

/** redis-server 7's error replies, word for word: the one place the node words an error. */
final class ErrorReplies {
  private ErrorReplies() {}

  static final Reply NOAUTH = Reply.error("NOAUTH Authentication required.");
  static final Reply WRONGPASS =
      Reply.error("WRONGPASS invalid username-password pair or user is disabled.");
  static final Reply AUTH_WITHOUT_PASSWORD =
      Reply.error(
          "ERR AUTH <password> called without any password configured for the default user. Are"
              + " you sure your configuration is correct?");
  static final Reply HELLO_NOAUTH =
      Reply.error(
          "NOAUTH HELLO must be called with the client already authenticated, otherwise the"
              + " HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client"
              + " and select the RESP protocol version at the same time");
  static final Reply NOPROTO = Reply.error("NOPROTO unsupported protocol version");
  static final Reply PROTOCOL_VERSION_NOT_INTEGER =
      Reply.error("ERR Protocol version is not an integer or out of range");
  static final Reply SYNTAX = Reply.error("ERR syntax error");
  static final Reply NOT_INTEGER = Reply.error("ERR value is not an integer or out of range");
  static final Reply DB_OUT_OF_RANGE = Reply.error("ERR DB index is out of range");
  static final Reply BAD_CLIENT_NAME =
      Reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
  static final Reply NO_SUCH_CLIENT = Reply.error("ERR No such client");
  static final Reply MAX_CLIENTS = Reply.error("ERR max number of clients reached");
  static final Reply CLIENT_ID_NOT_POSITIVE = Reply.error("ERR client-id should be greater than 0");

  /** {@code unknown command 'x', with args beginning with: 'a' 'b' }, as redis-server 7 cuts it. */
  static Reply unknownCommand(Request request) {
    StringBuilder args = new StringBuilder();
    for (int i = 1; i < request.argc() && args.length() < 128; i++) {
      String arg = request.string(i);
      int room = 128 - args.length();
      args.append('\'').append(arg, 0, Math.min(arg.length(), room)).append("' ");
    }
    return Reply.error(
        "ERR unknown command '"
            + truncate(request.string(0))
            + "', with args beginning with: "
            + args);
  }

  /** {@code unknown subcommand 'x'. Try CLIENT HELP.} */
  static Reply unknownSubcommand(Request request) {
    return Reply.error(
        "ERR unknown subcommand '"
            + truncate(request.string(1))
            + "'. Try "
            + request.string(0).toUpperCase(Locale.ROOT)
            + " HELP.");
  }

  /** {@code unknown subcommand or wrong number of arguments for 'x'. Try PUBSUB HELP.} */
  static Reply subcommandSyntax(Request request) {
    return Reply.error(
        "ERR unknown subcommand or wrong number of arguments for '"
            + truncate(request.string(1))
            + "'. Try "
            + request.string(0).toUpperCase(Locale.ROOT)
            + " HELP.");
  }

  /** A RESP2 connection subscribed to channels sent another command. */
  static Reply onlyPubSubAllowed(CommandSpec spec) {
    return Reply.error(
        "ERR Can't execute '"
            + spec.fullName()
            + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this"
            + " context");
  }

  // CLIENT TRACKING and CLIENT CACHING, as redis-server 7 words them.
  static final Reply TRACKING_ONE_REDIRECT =
      Reply.error("ERR A client can only redirect to a single other client");
  static final Reply TRACKING_NO_SUCH_REDIRECT =
      Reply.error("ERR The client ID you want redirect to does not exist");
  static final Reply TRACKING_PREFIX_WITHOUT_BCAST =
      Reply.error("ERR PREFIX option requires BCAST mode to be enabled");
  static final Reply TRACKING_BCAST_SWITCH =
      Reply.error(
          "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and"
              + " then re-enabling it with a different mode.");
  static final Reply TRACKING_OPT_WITH_BCAST =
      Reply.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
  static final Reply TRACKING_OPTIN_AND_OPTOUT =
      Reply.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
  static final Reply TRACKING_OPT_SWITCH =
      Reply.error(
          "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and"
              + " then re-enabling it with a different mode.");
  static final Reply CACHING_NOT_TRACKING =
      Reply.error(
          "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or"
              + " OPTOUT mode enabled");
  static final Reply CACHING_YES_WITHOUT_OPTIN =
      Reply.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  static final Reply CACHING_NO_WITHOUT_OPTOUT =
      Reply.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");

  /** Two {@code CLIENT TRACKING} prefixes of one client overlap. */
  static Reply prefixOverlap(String prefix, String other, boolean existing) {
    return Reply.error(
        "ERR Prefix '"
            + prefix
            + "' overlaps with "
            + (existing ? "an existing" : "another provided")
            + " prefix '"
            + other
            + "'. Prefixes for a single client must not overlap.");
  }

  /** {@code wrong number of arguments for 'client|setname' command}. */
  static Reply wrongArity(CommandSpec spec) {
    return Reply.error("ERR wrong number of arguments for '" + spec.fullName() + "' command");
  }

  /** {@code Syntax error in HELLO option 'x'}. */
  static Reply helloSyntax(String option) {
    return Reply.error("ERR Syntax error in HELLO option '" + option + "'");
  }

  /** {@code Unrecognized option 'x'} ({@code CLIENT SETINFO}). */
  static Reply unrecognizedOption(String option) {
    return Reply.error("ERR Unrecognized option '" + option + "'");
  }

  /** {@code lib-name cannot contain spaces, newlines or special characters.} */
  static Reply badClientInfo(String attribute) {
    return Reply.error(
        "ERR " + attribute + " cannot contain spaces, newlines or special characters.");
  }

  /** {@code Unknown client type 'x'}. */
  static Reply unknownClientType(String type) {
    return Reply.error("ERR Unknown client type '" + type + "'");
  }

  /** redis-server's {@code %.128s}. */
  private static String truncate(String s) {
    return s.length() <= 128 ? s : s.substring(0, 128);
  }
}
