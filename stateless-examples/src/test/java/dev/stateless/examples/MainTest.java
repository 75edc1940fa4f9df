package dev.stateless.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void run_printsOwnershipMapsAndTheSeedsVerdicts() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Main.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("== manifest AppCache layers=[CLIENT, EDGE, SERVER]")
        .contains("  user:* -> userData [SERVER]")
        .contains("  local:* -> local [CLIENT]")
        .contains(
            "error[SL001]: pattern \"user:profile\" of component \"profileCache\" overlaps"
                + " \"user:*\", owned by \"userCache\"")
        .contains("error[SL002]: write to borrowed pattern \"products:*\"")
        .contains("error[SL004]: write to key \"user:123\" through the SERVER layer")
        .contains("error[SL004]: write to key \"products:all\" through the CLIENT layer")
        .contains("error[SL009]: plain read of key \"video:123\"")
        .contains("error[SL010]: scoped entry key \"req:123\" outside a REQUEST lifetime")
        .contains("error[SL010]: session entry key \"session:123\" written without a cleanup")
        .contains("error[SL011]: atomicUpdate of key \"user:123\"")
        .contains("error[SL008]: real_time (GLOBAL_CONSISTENT) calls offline_first (CLIENT_FIRST)");
    assertThat(out.split("ok: manifest is sound", -1)).hasSize(4);
  }
}
