package dev.stateless.edge.internal;

import java.util.List;

/**
 * How a data command runs inside {@code EXEC}: on the transaction's copy of its keys ({@link
 * TransactionKeys}), whose writes {@code EXEC} then applies in one {@code atomicBatch}.
 */
public interface TransactionalCommand {

  /**
   * The keys the command reads or writes, when it is queued.
   *
   * @param client the connection
   * @param request the command
   * @return its keys
   * @throws ReplyException when the connection may not run it (its rights) or a key is malformed
   */
  List<String> keys(Client client, Request request);

  /**
   * Runs the command on the transaction's keys.
   *
   * @param request the command
   * @param keys the transaction's keys, with the writes of the commands before it
   * @return its reply (an error reply when it fails, as Redis answers it inside {@code EXEC})
   */
  Reply apply(Request request, TransactionKeys keys);
}
