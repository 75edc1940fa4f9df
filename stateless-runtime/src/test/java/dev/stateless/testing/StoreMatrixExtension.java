package dev.stateless.testing;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs every {@link StoreMatrix} test once per {@link StoreKind}.
 *
 * <ul>
 *   <li>Per test class and kind, the first run of that kind calls {@link StoreKind#start()}; the
 *       fixture lives in the class's {@link ExtensionContext.Store}, which closes it (stopping its
 *       redis-server) after the class's last test. A class whose tests never run a kind never
 *       starts what it needs.
 *   <li>Before each run the fixture is {@linkplain StoreFixture#reset() reset} (Redis flushed); the
 *       run's parameters of type {@link StoreContext} and {@link StoreKind} are resolved (also in
 *       {@code @BeforeEach} methods); after it, every cache built through the context is closed.
 * </ul>
 */
public final class StoreMatrixExtension implements TestTemplateInvocationContextProvider {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(StoreMatrixExtension.class);

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context
        .getTestMethod()
        .map(m -> AnnotationSupport.isAnnotated(m, StoreMatrix.class))
        .orElse(false);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    StoreMatrix matrix =
        AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), StoreMatrix.class)
            .orElseThrow();
    StoreKind[] kinds = matrix.value().length == 0 ? StoreKind.values() : matrix.value();
    // The servers live as long as the test class (the template's parent context).
    ExtensionContext owner = context.getParent().orElseThrow();
    return Arrays.stream(kinds).distinct().map(kind -> new Run(kind, owner));
  }

  /** One run of a test over one kind. */
  private static final class Run implements TestTemplateInvocationContext {
    private final StoreKind kind;
    private final ExtensionContext owner;

    Run(StoreKind kind, ExtensionContext owner) {
      this.kind = kind;
      this.owner = owner;
    }

    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + kind.name() + "]";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(new PerRun(kind, owner));
    }
  }

  /** Resets the kind's fixture before the run, injects the context, closes its caches after. */
  private static final class PerRun
      implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final StoreKind kind;
    private final ExtensionContext owner;

    PerRun(StoreKind kind, ExtensionContext owner) {
      this.kind = kind;
      this.owner = owner;
    }

    private StoreFixture fixture() {
      return owner
          .getStore(NAMESPACE)
          .getOrComputeIfAbsent(kind, k -> kind.start(), StoreFixture.class);
    }

    private StoreContext storeContext(ExtensionContext context) {
      return context
          .getStore(NAMESPACE)
          .getOrComputeIfAbsent(
              StoreContext.class, k -> new StoreContext(kind, fixture()), StoreContext.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
      fixture().reset();
      storeContext(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
      StoreContext store =
          context.getStore(NAMESPACE).remove(StoreContext.class, StoreContext.class);
      if (store != null) {
        store.closeAll();
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      Class<?> type = parameter.getParameter().getType();
      return type == StoreContext.class || type == StoreKind.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == StoreKind.class ? kind : storeContext(context);
    }
  }
}
