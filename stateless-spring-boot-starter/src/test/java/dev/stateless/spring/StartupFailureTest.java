package dev.stateless.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.spring.shop.ShopApplication;
import dev.stateless.spring.shop.ShopCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A bad {@code stateless.*} property stops the application, and Spring Boot's report says why in
 * the SDK's words: the code, the message and the help line (StatelessFailureAnalyzer).
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {
  @Test
  void malformedSize_stopsTheStart_reportingCodeMessageAndHelp(CapturedOutput output) {
    SpringApplicationBuilder app =
        new SpringApplicationBuilder(ShopApplication.class)
            .web(WebApplicationType.NONE)
            .properties(
                "stateless.manifest.class-name=" + ShopCache.class.getName(),
                "stateless.client.max-size=50XB",
                "spring.main.banner-mode=off");

    assertThatThrownBy(app::run).hasStackTraceContaining("SL012");

    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("stateless refused its configuration")
        .contains("error[SL012]")
        .contains("50XB")
        .contains("help:")
        .contains("Action:");
  }
}
