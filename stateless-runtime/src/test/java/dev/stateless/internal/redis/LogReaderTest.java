package dev.stateless.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The write time an invalidation event carries: its stream entry id's milliseconds. */
class LogReaderTest {

  @Test
  void writtenMillis_isTheStreamIdsMillisecondPart() {
    assertThat(LogReader.writtenMillis("1712345678901-0")).isEqualTo(1712345678901L);
    assertThat(LogReader.writtenMillis("1712345678901-17")).isEqualTo(1712345678901L);
  }

  @Test
  void writtenMillis_ofAnIdOfAnotherForm_isUnknown() {
    assertThat(LogReader.writtenMillis("")).isZero();
    assertThat(LogReader.writtenMillis("-1")).isZero();
    assertThat(LogReader.writtenMillis("abc-1")).isZero();
    assertThat(LogReader.writtenMillis("1712345678901")).isZero();
  }
}
