package dev.stateless.edge.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Finds a request's command and runs it, in redis-server 7's order of checks ({@code
 * processCommand}): the command exists, its arity is right, the connection is authenticated (or the
 * command needs no authentication); then it runs.
 */
public final class Dispatcher {
  private final CommandTable table;
  private final NodeStats stats;
  private final NodeClock clock;

  /**
   * @param table the commands
   * @param stats counted: commands run, errors replied
   * @param clock the time of each command, for {@code CLIENT LIST}'s idle
   */
  public Dispatcher(CommandTable table, NodeStats stats, NodeClock clock) {
    this.table = table;
    this.stats = stats;
    this.clock = clock;
  }

  /** The reply to {@code request} from {@code client}. */
  public Reply dispatch(Client client, Request request) {
    Reply reply = run(client, request);
    if (reply instanceof Reply.Simple simple && simple.isError()) {
      stats.errorReplies.increment();
    }
    return reply;
  }

  /**
   * The reply a {@link Reply.Deferred} completed with (counted as {@link #dispatch} counts), or the
   * error its failure is (see {@link DataErrors}).
   */
  public Reply completed(CompletableFuture<Reply> later) {
    Reply reply;
    try {
      reply = later.join();
    } catch (CompletionException | CancellationException e) {
      reply = DataErrors.of(e.getCause() != null ? e.getCause() : e);
    }
    if (reply instanceof Reply.Simple simple && simple.isError()) {
      stats.errorReplies.increment();
    }
    return reply;
  }

  private Reply run(Client client, Request request) {
    CommandSpec spec = table.get(request.string(0));
    if (spec == null) {
      return rejected(client, ErrorReplies.unknownCommand(request));
    }
    if (!spec.subcommands().isEmpty() && request.argc() >= 2) {
      CommandSpec sub = spec.subcommands().get(request.lower(1));
      if (sub == null) {
        return rejected(client, ErrorReplies.unknownSubcommand(request));
      }
      spec = sub;
    }
    Command command = spec.command();
    if (!spec.acceptsArgc(request.argc()) || command == null) {
      return rejected(client, ErrorReplies.wrongArity(spec));
    }
    if (client.authRequired() && !spec.flags().contains(CommandFlag.NO_AUTH)) {
      return rejected(client, ErrorReplies.NOAUTH);
    }
    if (client.multi().open() && !TransactionCommands.runsAtOnce(spec)) {
      return TransactionCommands.queue(client, spec, request); // after MULTI: queued for EXEC
    }
    if (client.subscriptions() > 0
        && client.protocol() == 2
        && !PubSub.allowedWhileSubscribed(spec)) {
      return ErrorReplies.onlyPubSubAllowed(spec);
    }
    client.commandStarted(spec.fullName(), clock.millis());
    stats.commandsProcessed.increment();
    ClientTracking tracking = client.tracking();
    if (tracking != null) {
      tracking.before(client, spec, request);
    }
    Reply reply;
    try {
      reply = command.execute(client, request);
    } catch (ReplyException e) {
      reply = e.reply();
    }
    if (tracking != null) {
      tracking.after(spec, reply);
    }
    return reply;
  }

  /** A command refused before it ran: inside {@code MULTI}, {@code EXEC} will abort (Redis). */
  private static Reply rejected(Client client, Reply error) {
    client.multi().abort();
    return error;
  }
}
