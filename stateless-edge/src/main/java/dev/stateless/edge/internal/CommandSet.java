package dev.stateless.edge.internal;

/**
 * A group of commands the node serves (connection commands, server commands; data commands later),
 * each registered into the one {@link CommandTable} a node dispatches from.
 */
public interface CommandSet {

  /**
   * Adds this set's commands.
   *
   * @param table the table being built
   * @throws IllegalArgumentException if a command of this set is already in the table
   */
  void registerInto(CommandTable.Builder table);
}
