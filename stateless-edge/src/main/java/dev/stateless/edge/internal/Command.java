package dev.stateless.edge.internal;

/**
 * What a command does once its name, arity and the connection's authentication were checked. Runs
 * on the connection's event loop; must not block.
 */
@FunctionalInterface
public interface Command {

  /**
   * Runs the command.
   *
   * @param client the connection that sent it
   * @param request the command's name and arguments, its arity already checked
   * @return the reply
   */
  Reply execute(Client client, Request request);
}
