package dev.stateless.edge.internal;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the command table: a command, or a subcommand of a container command ({@code CLIENT
 * SETNAME}), with Redis's arity convention: positive, exactly that many elements (the name
 * included); negative, at least its absolute value.
 */
public final class CommandSpec {
  private final String name;
  private final int arity;
  private final Set<CommandFlag> flags;
  private final List<String> aclCategories;
  private final String group;
  private final String summary;
  private final String since;
  private final @Nullable Command command;
  private final @Nullable TransactionalCommand transactional;
  private final Map<String, CommandSpec> subcommands;
  private @Nullable CommandSpec parent;

  private CommandSpec(Builder b) {
    this.name = b.name;
    this.arity = b.arity;
    this.flags = Collections.unmodifiableSet(EnumSet.copyOf(b.flags));
    this.aclCategories = List.copyOf(b.aclCategories);
    this.group = b.group;
    this.summary = b.summary;
    this.since = b.since;
    this.command = b.command;
    this.transactional = b.transactional;
    Map<String, CommandSpec> subs = new LinkedHashMap<>();
    for (Builder sub : b.subcommands) {
      CommandSpec spec = sub.build();
      spec.parent = this;
      subs.put(spec.name, spec);
    }
    this.subcommands = Collections.unmodifiableMap(subs);
    if (command == null && subcommands.isEmpty()) {
      throw new IllegalArgumentException("command '" + name + "' has neither code nor subcommands");
    }
  }

  /**
   * A builder for a command.
   *
   * @param name the command's name, lower case ({@code ping}, or {@code setname} for a subcommand)
   * @param arity Redis's arity
   */
  public static Builder builder(String name, int arity) {
    return new Builder(name, arity);
  }

  /** The name, lower case. */
  public String name() {
    return name;
  }

  /** {@code client|setname} for a subcommand, else the name. */
  public String fullName() {
    CommandSpec p = parent;
    return p == null ? name : p.name + "|" + name;
  }

  /** Redis's arity. */
  public int arity() {
    return arity;
  }

  /** Whether a request of {@code argc} elements has the right number of arguments. */
  public boolean acceptsArgc(int argc) {
    return arity > 0 ? argc == arity : argc >= -arity;
  }

  /** The flags. */
  public Set<CommandFlag> flags() {
    return flags;
  }

  /** The ACL categories ({@code @connection}, {@code @fast}, ...). */
  public List<String> aclCategories() {
    return aclCategories;
  }

  /** The documentation group ({@code connection}, {@code server}, ...). */
  public String group() {
    return group;
  }

  /** One line on what the command does. */
  public String summary() {
    return summary;
  }

  /** The Redis version that introduced it. */
  public String since() {
    return since;
  }

  /** The code run when no subcommand is named (or null: a container needs one). */
  public @Nullable Command command() {
    return command;
  }

  /** How the command runs inside {@code EXEC} on the transaction's keys, or null. */
  public @Nullable TransactionalCommand transactional() {
    return transactional;
  }

  /** The subcommands by lower-case name; empty for a plain command. */
  public Map<String, CommandSpec> subcommands() {
    return subcommands;
  }

  /** The container command, or null. */
  public @Nullable CommandSpec parent() {
    return parent;
  }

  @Override
  public String toString() {
    return "CommandSpec[" + fullName() + ", arity " + arity + "]";
  }

  /** Builds a {@link CommandSpec}. */
  public static final class Builder {
    private final String name;
    private final int arity;
    private final Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
    private List<String> aclCategories = List.of();
    private String group = "generic";
    private String summary = "";
    private String since = "1.0.0";
    private @Nullable Command command;
    private @Nullable TransactionalCommand transactional;
    private final List<Builder> subcommands = new java.util.ArrayList<>();

    private Builder(String name, int arity) {
      if (name.isEmpty() || !name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException("a command's name is lower case: '" + name + "'");
      }
      if (arity == 0) {
        throw new IllegalArgumentException("arity 0 for '" + name + "'");
      }
      this.name = name;
      this.arity = arity;
    }

    /** Adds flags. */
    public Builder flags(CommandFlag... flags) {
      this.flags.addAll(List.of(flags));
      return this;
    }

    /** Sets the ACL categories, each starting with {@code @}. */
    public Builder acl(String... categories) {
      this.aclCategories = List.of(categories);
      return this;
    }

    /** Sets the documentation group, summary and first Redis version. */
    public Builder doc(String group, String since, String summary) {
      this.group = group;
      this.since = since;
      this.summary = summary;
      return this;
    }

    /** Sets the code. */
    public Builder command(Command command) {
      this.command = command;
      return this;
    }

    /** Sets how the command runs inside {@code EXEC}, on the transaction's keys. */
    public Builder transactional(TransactionalCommand transactional) {
      this.transactional = transactional;
      return this;
    }

    /** Adds a subcommand. */
    public Builder subcommand(Builder subcommand) {
      subcommands.add(subcommand);
      return this;
    }

    CommandSpec build() {
      return new CommandSpec(this);
    }
  }
}
