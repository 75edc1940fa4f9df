package dev.stateless.edge.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Every command a node serves, by lower-case name; built once, read by every connection. */
public final class CommandTable {
  private final Map<String, CommandSpec> commands;

  private CommandTable(Map<String, CommandSpec> commands) {
    this.commands = Collections.unmodifiableMap(new LinkedHashMap<>(commands));
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The command named {@code name} (any case), or null. */
  public @Nullable CommandSpec get(String name) {
    return commands.get(name.toLowerCase(Locale.ROOT));
  }

  /** Every top-level command, in registration order. */
  public Collection<CommandSpec> commands() {
    return commands.values();
  }

  /** The number of top-level commands ({@code COMMAND COUNT}). */
  public int size() {
    return commands.size();
  }

  /** Builds a {@link CommandTable}. */
  public static final class Builder {
    private final Map<String, CommandSpec> commands = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds a command.
     *
     * @throws IllegalArgumentException if a command of that name is already there
     */
    public Builder add(CommandSpec.Builder command) {
      CommandSpec spec = command.build();
      if (commands.putIfAbsent(spec.name(), spec) != null) {
        throw new IllegalArgumentException("command '" + spec.name() + "' registered twice");
      }
      return this;
    }

    /** Adds every command of {@code set}. */
    public Builder addAll(CommandSet set) {
      set.registerInto(this);
      return this;
    }

    /** The table. */
    public CommandTable build() {
      return new CommandTable(commands);
    }
  }
}
