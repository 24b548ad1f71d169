package io.agentforge.platform.config;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import io.agentforge.contracts.Json;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** The production logback.xml, configured as a container would run it: what it prints is what a collector parses. */
class LogFormatTest {

    @Test
    void jsonFormatWritesOneJsonObjectPerLineWithLevelLoggerThreadMessageAndMdc() throws Exception {
        var lines = logThroughProductionConfiguration("json");

        assertThat(lines).hasSize(1);
        var json = Json.mapper().readTree(lines.getFirst());
        assertThat(json.get("timestamp").asLong()).isCloseTo(System.currentTimeMillis(), offset(60_000L));
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("loggerName").asText()).isEqualTo("io.agentforge.test.Jobs");
        assertThat(json.get("threadName").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(json.get("formattedMessage").asText()).isEqualTo("job 42 \"started\"");
        assertThat(json.get("mdc").get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(json.get("mdc").get("job_id").asText()).isEqualTo("job-1");
    }

    @Test
    void textFormatIsTheDefaultAndReadable() throws Exception {
        var lines = logThroughProductionConfiguration(" ");

        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO .*Jobs +job 42 \"started\"");
    }

    private static List<String> logThroughProductionConfiguration(String format) throws Exception {
        var context = new LoggerContext();
        // Events read the MDC through their context; share the one org.slf4j.MDC writes to.
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.putProperty("LOG_FORMAT", format);
        var configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
        // Anything logback found worth a warning (an unknown element, an appender left unused) is a defect here.
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .allSatisfy(status -> assertThat(status.getLevel()).as(status.toString()).isLessThan(Status.WARN));

        var captured = new ByteArrayOutputStream();
        var console = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            MDC.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
            MDC.put("job_id", "job-1");
            context.getLogger("io.agentforge.test.Jobs").info("job {} \"{}\"", 42, "started");
        } finally {
            MDC.clear();
            System.setOut(console);
            context.stop();
        }
        return captured.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
    }
}
