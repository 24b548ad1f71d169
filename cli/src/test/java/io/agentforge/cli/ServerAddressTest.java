package io.agentforge.cli;

import io.agentforge.cli.server.ServerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerAddressTest {
    @TempDir
    Path home;

    private static ServerAddress.Flags noFlags() {
        return new ServerAddress.Flags(null, null, null, null, null);
    }

    @Test
    void withNothingSetTheApiIsLocalAndTheWebSocketAndMonitoringAreOnItsHostAtTheirPorts() {
        var address = ServerAddress.resolve(noFlags(), Map.of("XDG_CONFIG_HOME", home.toString()));

        assertThat(address.api()).isEqualTo(URI.create("http://localhost:8000"));
        assertThat(address.websocket()).isEqualTo(URI.create("ws://localhost:8003/ws"));
        assertThat(address.monitoring()).isEqualTo(URI.create("http://localhost:8004"));
        assertThat(address.token()).isEmpty();
    }

    @Test
    void aDerivedWebSocketGivesWayToTheOneTheApiAnnouncesAConfiguredOneDoesNot() {
        var derived = ServerAddress.resolve(new ServerAddress.Flags("http://api.example:8100", null, null, null, null),
                Map.of("XDG_CONFIG_HOME", home.toString()));
        var configured = ServerAddress.resolve(new ServerAddress.Flags("http://api.example:8100",
                "ws://elsewhere:1/ws", null, null, null), Map.of("XDG_CONFIG_HOME", home.toString()));

        assertThat(derived.websocketGiven()).isFalse();
        assertThat(configured.websocketGiven()).isTrue();
        assertThat(derived.announced(null, 9003).websocket()).isEqualTo(URI.create("ws://api.example:9003/ws"));
        assertThat(derived.announced("wss://ws.example:9443/ws", 9003).websocket())
                .isEqualTo(URI.create("wss://ws.example:9443/ws"));
        assertThat(derived.announced(null, 0)).isEqualTo(derived);
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheConfigFile() throws IOException {
        var dir = Files.createDirectories(home.resolve("agent-forge"));
        Files.writeString(dir.resolve("cli.properties"), "url=https://file.example:9000\ntoken=from-file\n"
                + "ws_url=wss://file.example/ws\n");
        var env = Map.of("XDG_CONFIG_HOME", home.toString(), "AGENT_FORGE_TOKEN", "from-env");

        var fromFileAndEnv = ServerAddress.resolve(noFlags(), env);
        var withFlag = ServerAddress.resolve(new ServerAddress.Flags("http://flag.example:8100/", null, null, null,
                null), env);

        assertThat(fromFileAndEnv.api()).isEqualTo(URI.create("https://file.example:9000"));
        assertThat(fromFileAndEnv.websocket()).isEqualTo(URI.create("wss://file.example/ws"));
        assertThat(fromFileAndEnv.token()).isEqualTo(Optional.of("from-env"));
        assertThat(withFlag.api()).isEqualTo(URI.create("http://flag.example:8100"));
    }

    @Test
    void aBadAddressIsRefusedNamingWhereItCameFrom() throws IOException {
        var file = Files.writeString(home.resolve("forge.properties"), "ws_url=http://wrong-scheme\n");

        assertThatThrownBy(() -> ServerAddress.resolve(noFlags(), Map.of("AGENT_FORGE_URL", "localhost:8000")))
                .hasMessageStartingWith("AGENT_FORGE_URL: expected http://");
        assertThatThrownBy(() -> ServerAddress.resolve(new ServerAddress.Flags(null, null, null, null, file), Map.of()))
                .hasMessageStartingWith(file + ": ws_url: expected ws://");
        assertThatThrownBy(() -> ServerAddress.resolve(new ServerAddress.Flags(null, null, null, null,
                home.resolve("missing")), Map.of())).hasMessageContaining("does not exist");
    }
}
