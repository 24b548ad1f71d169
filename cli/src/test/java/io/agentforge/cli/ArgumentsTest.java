package io.agentforge.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line without a server: help, version, completion, and usage errors (exit 2, one line). */
class ArgumentsTest {
    private record Result(int exit, String out, String err) {
    }

    private static Result forge(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var exit = Forge.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("XDG_CONFIG_HOME", "/nonexistent"), false);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        var help = forge("--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("phases", "run", "runs", "logs", "pipeline", "models", "chat", "events", "top",
                "generate-completion", "4 --timeout reached", "AGENT_FORGE_URL").doesNotContain("\u001b");
    }

    @Test
    void completionIsABashScriptForForge() {
        var completion = forge("generate-completion");

        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("complete -F", "forge", "watch", "--since");
    }

    @Test
    void aBadDurationOrParameterOrAddressIsAUsageErrorOnOneLine() {
        var duration = forge("run", "watch", "job", "--timeout", "10 minutes");
        var parameter = forge("run", "start", "cognate", "-p", "=3");
        var address = forge("--url", "ftp://x", "phases");

        assertThat(duration.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(duration.err().strip()).contains("--timeout", "expected a duration like").doesNotContain("\n");
        assertThat(parameter.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(parameter.err().strip()).isEqualTo("forge: --param: expected key=value, got \"=3\"");
        assertThat(address.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(address.err().strip()).isEqualTo("forge: --url: expected http://host[:port][/path] or https://..., "
                + "got \"ftp://x\"");
    }
}
