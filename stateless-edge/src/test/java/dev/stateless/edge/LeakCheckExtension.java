package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaked a Netty buffer: Netty's leak detector (at {@code PARANOID}, set by the
 * build's argLine) reports into a list here instead of only logging, and after each test the
 * garbage collector runs and the detector is made to poll, so a buffer dropped without {@code
 * release()} fails the test that dropped it (or, if collected late, the next one).
 *
 * <p>Registered for every test through {@code META-INF/services} and {@code
 * junit.jupiter.extensions.autodetection.enabled}: its class initializer installs the detector
 * factory before any test touches a buffer.
 */
public final class LeakCheckExtension implements BeforeEachCallback, AfterEachCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    assertThat(ResourceLeakDetector.getLevel())
        .as("tests run with -Dio.netty.leakDetection.level=PARANOID")
        .isEqualTo(ResourceLeakDetector.Level.PARANOID);
    LEAKS.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    for (int i = 0; i < 5 && LEAKS.isEmpty(); i++) {
      System.gc();
      Thread.sleep(10); // the reference handler thread enqueues what the collection found
      // Each tracked allocation makes the detectors poll their queues and report.
      release(UnpooledByteBufAllocator.DEFAULT.heapBuffer(1));
      release(UnpooledByteBufAllocator.DEFAULT.directBuffer(1));
      release(PooledByteBufAllocator.DEFAULT.heapBuffer(1));
      release(PooledByteBufAllocator.DEFAULT.directBuffer(1));
    }
    assertThat(LEAKS).as("Netty buffers leaked (never released)").isEmpty();
  }

  private static void release(ByteBuf buf) {
    buf.release();
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      return new ResourceLeakDetector<>(resource, samplingInterval) {
        @Override
        protected boolean needReport() {
          return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          LEAKS.add("LEAK: " + resourceType + records);
          super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          LEAKS.add("LEAK: " + resourceType);
          super.reportUntracedLeak(resourceType);
        }
      };
    }
  }
}
