package dev.stateless.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The users file and how its users authenticate. */
class UsersTest {
  @TempDir Path dir;

  private Path file(String... lines) throws Exception {
    Path f = dir.resolve("users.acl");
    Files.writeString(f, String.join("\n", lines) + "\n");
    return f;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b(s)));
  }

  @Test
  void aFileOfClearAndHashedPasswords_authenticatesEachUser_andRefusesAnOffOne() throws Exception {
    Users users =
        Users.parseFile(
            file(
                "# the shop's users",
                "",
                "user users on >users-pw",
                "  user analytics   on #"
                    + sha256("analytics-pw").toUpperCase(java.util.Locale.ROOT),
                "user legacy off >old-pw"));
    assertThat(users.names()).containsExactly("analytics", "legacy", "users");
    assertThat(users.authenticate(b("users"), b("users-pw"), null)).isEqualTo("users");
    assertThat(users.authenticate(b("users"), b("analytics-pw"), null)).isNull();
    assertThat(users.authenticate(b("analytics"), b("analytics-pw"), null)).isEqualTo("analytics");
    assertThat(users.authenticate(b("legacy"), b("old-pw"), null)).isNull();
    assertThat(users.authenticate(b("nobody"), b("x"), null)).isNull();
    assertThat(users.authenticate(b("default"), b("x"), null)).isEqualTo("default");
    assertThat(users.authenticate(b("default"), b("x"), "s3cret")).isNull();
    assertThat(users.authenticate(b("default"), b("s3cret"), "s3cret")).isEqualTo("default");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "users on >pw|expected a user line, found \"users on >***\"",
        "user users|expected a user line",
        "user users on|user 'users' is on but has no password",
        "user users >pw|user 'users' is neither on nor off",
        "user users on off >pw|switched on or off twice",
        "user users on >a >b|two passwords",
        "user users on >|empty password",
        "user users on #abc|#abc is no SHA-256 hash",
        "user users on >pw ~user:*|\"~user:*\" is not served: key rights come from the manifest",
        "user users on >pw +@all|\"+@all\" is not served",
        "user default on >pw|user 'default' is Redis's own: its password is --requirepass",
      })
  void aBadLine_isRefusedWithItsFileAndLine_andHelp(String line, String problem) throws Exception {
    Path f = file("# first", "user ok on >pw", line);
    assertThatThrownBy(() -> Users.parseFile(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(f + ":3: ")
        .hasMessageContaining(problem)
        .hasMessageContaining("; help: a users file has lines")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(">pw "));
  }

  @Test
  void aPasswordMissingItsMarker_isNotEchoedInTheError() throws Exception {
    Path f = file("user users on s3cret-Pa55");
    assertThatThrownBy(() -> Users.parseFile(f))
        .hasMessageContaining(":1: user 'users' has a word that is no rule (not shown")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-Pa55"));
  }

  @Test
  void aUserTwice_inTheFileOrAlsoFromTheBuilder_isRefused() throws Exception {
    assertThatThrownBy(() -> Users.parseFile(file("user a on >x", "user a on >y")))
        .hasMessageContaining(":2: user 'a' is given twice");
    Users fromFile = Users.parseFile(file("user a on >x"));
    assertThatThrownBy(() -> Users.of(Map.of("a", "z")).and(fromFile))
        .hasMessageContaining("user 'a' is given twice (--user and --users-file)");
    assertThat(Users.of(Map.of("b", "z")).and(fromFile).names()).containsExactly("a", "b");
  }

  @Test
  void aMissingFile_namesIt() {
    Path missing = dir.resolve("none.acl");
    assertThatThrownBy(() -> Users.parseFile(missing))
        .hasMessageStartingWith("cannot read --users-file " + missing);
  }
}
