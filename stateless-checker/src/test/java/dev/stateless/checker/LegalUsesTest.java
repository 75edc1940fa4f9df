package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.stateless.checker.CheckedSources.assertNoDiagnostics;
import static dev.stateless.checker.CheckedSources.compile;
import static dev.stateless.checker.CheckedSources.compileStrict;
import static dev.stateless.checker.CheckedSources.manifest;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * No false positive: {@code legal/app/LegalUses.java} holds the legal uses of the API a team writes
 * every day (each marked {@code // use}), which must compile with no diagnostic at all.
 */
class LegalUsesTest {
  private static final JavaFileObject LEGAL =
      JavaFileObjects.forResource("legal/app/LegalUses.java");
  private static final JavaFileObject KEYS = JavaFileObjects.forResource("legal/app/Keys.java");

  @Test
  void legalUses_areAtLeastThirty() throws IOException {
    String text = LEGAL.getCharContent(true).toString();
    Assertions.assertThat(text.split("// use", -1).length - 1).isGreaterThanOrEqualTo(30);
  }

  @Test
  void legalUses_compileWithZeroDiagnostics() {
    assertNoDiagnostics(compile(manifest(), KEYS, LEGAL));
  }

  @Test
  void legalUses_inStrictMode_onlyWarn() {
    Compilation c = compileStrict(manifest(), KEYS, LEGAL);
    assertThat(c).succeeded();
    Assertions.assertThat(c.errors()).isEmpty();
    Assertions.assertThat(c.warnings())
        .allSatisfy(
            w ->
                Assertions.assertThat(w.getMessage(null))
                    .startsWith("warning[SL")
                    .doesNotContain("error["));
  }

  @Test
  void legalUses_inStrictMode_warnAboutStringKeysThatMayReachAnotherOwner() {
    Compilation c = compileStrict(manifest(), KEYS, LEGAL);
    assertThat(c)
        .hadWarningContaining(
            "warning[SL002]: possible write to borrowed pattern \"user:{id}:posts\"")
        .inFile(LEGAL)
        .onLineContaining("cache.set(\"user:\" + name, v)");
    assertThat(c)
        .hadWarningContaining("warning[SL009]: possible plain write of key {..}")
        .inFile(LEGAL)
        .onLineContaining("cache.set(anyKey, v)");
  }

  @Test
  void legalUses_inStrictMode_warnAboutUnannotatedCode() {
    Compilation c = compileStrict(manifest(), KEYS, LEGAL);
    assertThat(c)
        .hadWarningContaining("warning[SL003]: write to key \"nobody:1\", which no component owns")
        .inFile(LEGAL)
        .onLineContaining("cache.set(\"nobody:1\", v)");
    assertThat(c)
        .hadWarningContaining("warning[SL009]")
        .inFile(LEGAL)
        .onLineContaining("cache.get(\"video:1\")");
    assertThat(c)
        .hadWarningContaining("warning[SL004]")
        .inFile(LEGAL)
        .onLineContaining("cache.layer(CacheLayer.SERVER).set(\"user:1\", v)");
    assertThat(c)
        .hadWarningContaining("warning[SL010]")
        .inFile(LEGAL)
        .onLineContaining("scope.setScoped(\"req:1\", v)");
  }

  @Test
  void legalUses_inStrictMode_warnOnlyWhereExpected() {
    Compilation c = compileStrict(manifest(), KEYS, LEGAL);
    Assertions.assertThat(c.warnings().stream().map(Diagnostic::getLineNumber).distinct().count())
        .as("lines warned about: %s", c.warnings())
        .isEqualTo(6);
  }
}
