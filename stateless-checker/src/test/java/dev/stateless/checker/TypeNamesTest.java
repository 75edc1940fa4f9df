package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/** {@link TypeNames} spells a field's compile-time type as reflection spells the same field's. */
class TypeNamesTest {

  /** Fields of every kind of type a {@code @ValueType} field may have; read both ways. */
  @SuppressWarnings({"unused", "rawtypes"})
  static class Fixture<T extends Number> {
    long primitive;
    boolean flag;
    Long boxed;
    String text;
    byte[] bytes;
    String[][] grid;
    List<String> list;
    List raw;
    Map<String, List<Long>> map;
    Map.Entry<String, Long> entry;
    Item nested;
    Item.Deeper deeper;
    List<? extends Number> upper;
    List<? super Integer> lower;
    List<?> any;
    List<? extends Object> anyObject;
    T variable;
    List<T>[] genericArray;
    Fixture<Integer>.Inner inner;
    Inner plainInner;

    class Inner {}

    static class Item {
      static class Deeper {}
    }
  }

  @Test
  void of_spellsEveryFieldAsReflectionDoes() throws Exception {
    Map<String, String> compiled = new LinkedHashMap<>();
    Compilation c =
        javac()
            .withProcessors(
                new AbstractProcessor() {
                  @Override
                  public Set<String> getSupportedAnnotationTypes() {
                    return Set.of("*");
                  }

                  @Override
                  public SourceVersion getSupportedSourceVersion() {
                    return SourceVersion.latestSupported();
                  }

                  @Override
                  public boolean process(
                      Set<? extends TypeElement> annotations, RoundEnvironment round) {
                    TypeElement fixture =
                        processingEnv
                            .getElementUtils()
                            .getTypeElement(Fixture.class.getCanonicalName());
                    for (Element e : fixture.getEnclosedElements()) {
                      if (e.getKind() == ElementKind.FIELD) {
                        compiled.put(
                            e.getSimpleName().toString(),
                            TypeNames.of(e.asType(), processingEnv.getElementUtils()));
                      }
                    }
                    return false;
                  }
                })
            .compile(JavaFileObjects.forSourceLines("Empty", "class Empty {}"));
    assertThat(c).succeeded();

    Map<String, String> reflected = new LinkedHashMap<>();
    for (Field f : Fixture.class.getDeclaredFields()) {
      if (!f.isSynthetic()) {
        reflected.put(f.getName(), f.getGenericType().getTypeName());
      }
    }
    assertThat(reflected).hasSize(20);
    assertThat(compiled).isEqualTo(reflected);
    assertThat(compiled)
        .containsEntry("primitive", "long")
        .containsEntry("nested", "dev.stateless.checker.TypeNamesTest$Fixture$Item")
        .containsEntry("map", "java.util.Map<java.lang.String, java.util.List<java.lang.Long>>");
  }
}
