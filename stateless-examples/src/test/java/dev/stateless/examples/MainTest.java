package dev.stateless.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The main job with every layer in-process; {@link MainIT} runs it against a redis-server. */
class MainTest {
  static String run(String redisUrl) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Main.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), redisUrl);
    return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }

  @Test
  void run_printsOwnershipMapsAndTheSeedsVerdicts() {
    String out = run(null);
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

  @Test
  void run_onTheEmbeddedDefault_showsRoutingInvalidationAndRefusals() {
    String out = run(null);
    assertThat(out)
        .contains("server in-process")
        .contains(
            "dependents of userData after that write: profile:42=(absent), settings:42=(absent)")
        .contains("-- get user:42 -> \"Ada\" (served by CLIENT)")
        .contains("-- get popular:home -> \"front page\" (served by SERVER)")
        .contains("-- get popular:home -> \"front page\" (served by CLIENT)")
        .contains("-- get products:all -> \"catalog\" (served by EDGE)")
        .contains("error[SL003]: write to key \"req:1\", which no component owns")
        .contains("error[SL013]: no component named \"users\"")
        .contains("error[SL102]: value of")
        .contains("error[SL002]: write to borrowed pattern \"user:*\" (key \"user:123\")")
        .contains("-- analytics reads user:123 -> \"Ada\"")
        .doesNotContain("== two nodes");
  }

  @Test
  void run_runsTheCodeTheBorrowCheckerProvedAtCompileTime() {
    assertThat(run(null))
        .contains("== compiled under the borrow checker: CatalogService against ShopCache")
        .contains("publish(7) as the owner, show(7) as a borrower: lamp")
        .contains("addToCart twice (atomicUpdate, owns cart:{id}): 2")
        .contains("handle(1) in a request scope: visible inside true, gone after true");
  }

  /** The flows of atomicUpdate, atomicBatch, scopes, sessions and streaming, on either server. */
  static void assertIssue4Flows(String out) {
    assertThat(out)
        .contains("== seed 003 §7: atomic_update(\"user:123\", ..), on manifest AppCache")
        .contains(
            "-- 4 threads x 250 atomicUpdate(\"user:123:visits\", n -> n + 1) -> 1000"
                + " (expected 1000: no update lost)")
        .contains(
            "-- analytics (borrows user:*) atomicUpdate(\"user:123\"):\n"
                + "   error[SL011]: atomicUpdate of key \"user:123\" without exclusive access or"
                + " ownership")
        .contains("   both visible: user:123 -> \"Ada Lovelace\", user:123:prefs -> \"theme=dark\"")
        .contains(
            "-- analytics (borrows user:*) atomicBatch setting user:123 and user:123:prefs:\n"
                + "   error[SL002]: write to borrowed pattern \"user:*\" (key \"user:123\")")
        .contains(
            "   nothing applied: user:123 -> \"Ada Lovelace\", user:123:prefs -> \"theme=dark\"")
        .contains("setScoped(\"req:123\", \"data\"), get req:123 -> \"data\"")
        .contains("   after the scope closed: req:123 -> (absent)")
        .contains("after setScoped(\"req:124\", ..): req:124 -> (absent)")
        .contains(".withCleanup(fn), get session:123 -> \"data\"")
        .contains(
            "   closing the session:\n"
                + "   cleanup callback: session 123 ended, session:123 -> (absent)\n")
        .contains("error[SL010]: session entries written without a cleanup callback: [session:124]")
        .contains("   session:124 -> (absent) all the same")
        .contains("-- stream(\"video:123\") read back 5243003 bytes; SHA-256 matches: ")
        .doesNotContain("DIFFERS")
        .contains(
            "-- get(\"video:123\"), a plain read of the streamed value:\n"
                + "   error[SL009]: plain read of key \"video:123\"");
    // The only SL010 is the session without cleanup; the session with one ends cleanly.
    assertThat(out.split("session entries written without a cleanup", -1)).hasSize(2);
  }

  @Test
  void run_onTheEmbeddedDefault_showsIssue4Flows() {
    String out = run(null);
    assertIssue4Flows(out);
    assertThat(out).contains("-- (skipped) build() copies popular:* from the owner's shared layer");
  }
}
