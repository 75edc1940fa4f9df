package dev.stateless.checker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * compile-testing's in-process {@code javac()}, given no processors at all, still runs the checker
 * (the plugin starts by itself) and reports each finding once. The real javac of JDK 17 and JDK 25
 * in a child process: {@link JavacDiscoveryIT}.
 */
class JavacDiscoveryTest {
  @Test
  void compileTesting_givenNoProcessors_stillChecks_andReportsOnce() {
    JavaFileObject src =
        JavaFileObjects.forSourceLines(
            "app.S",
            "package app;",
            "import dev.stateless.annotation.*;",
            "class S {",
            "  @CacheAccess(borrows = \"p:*\")",
            "  void f(dev.stateless.StatelessCache c) { c.set(\"p:1\", 1); }",
            "}");
    Compilation c =
        com.google.testing.compile.Compiler.javac()
            .compile(src); // an empty list of processors: the plugin alone
    assertThat(c.errors()).hasSize(1);
    assertThat(c.errors().get(0).getMessage(null)).startsWith("error[SL002]");
    Compilation both =
        com.google.testing.compile.Compiler.javac()
            .withProcessors(new StatelessProcessor())
            .compile(src);
    assertThat(both.errors()).hasSize(1);
  }
}
