package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** SL010 for a request scope that is certainly never closed, and silence when it may be. */
class ScopeClosingTest {
  private JavaFileObject src;

  private Compilation compile(String... body) {
    String[] lines = new String[body.length + 9];
    lines[0] = "package app;";
    lines[1] = "import dev.stateless.*;";
    lines[2] = "import dev.stateless.annotation.*;";
    lines[3] = "class Handler {";
    lines[4] = "  StatelessCache cache;";
    lines[5] = "  RequestScope kept;";
    lines[6] = "  @CacheAccess(lifetime = Lifetime.REQUEST)";
    lines[7] = "  void handle(int id) throws Exception {";
    System.arraycopy(body, 0, lines, 8, body.length);
    lines[lines.length - 1] = "  }}";
    src = JavaFileObjects.forSourceLines("app.Handler", lines);
    return javac().withProcessors(new StatelessProcessor()).compile(src);
  }

  @Test
  void scopeInTryWithResources_compiles() {
    assertThat(
            compile(
                "try (RequestScope scope = cache.requestScope()) {",
                "  scope.setScoped(\"req:\" + id, \"x\");",
                "}"))
        .succeededWithoutWarnings();
  }

  @Test
  void scopeClosedInFinally_compiles() {
    assertThat(
            compile(
                "RequestScope scope = cache.requestScope();",
                "try { scope.setScoped(\"req:1\", \"x\"); } finally { scope.close(); }"))
        .succeededWithoutWarnings();
  }

  @Test
  void scopeVariableAsJava9Resource_compiles() {
    assertThat(
            compile(
                "RequestScope scope = cache.requestScope();",
                "try (scope) { scope.setScoped(\"req:1\", \"x\"); }"))
        .succeededWithoutWarnings();
  }

  @Test
  void scopeHandedToAField_compiles() {
    assertThat(compile("kept = cache.requestScope();", "kept.setScoped(\"req:1\", \"x\");"))
        .succeededWithoutWarnings();
  }

  @Test
  void scopeNeverClosed_isSL010() {
    Compilation c =
        compile("RequestScope scope = cache.requestScope();", "scope.setScoped(\"req:1\", \"x\");");
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL010]: request scope opened by Handler.handle is never closed")
        .inFile(src)
        .onLine(9);
  }

  @Test
  void scopeUsedOnceInAChain_isSL010() {
    Compilation c = compile("cache.requestScope().setScoped(\"req:1\", \"x\");");
    assertThat(c).hadErrorContaining("SL010").inFile(src).onLine(9);
  }
}
