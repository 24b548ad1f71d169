package io.agentforge.platform.persistence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {

    @Test
    void theUrlFormBecomesAJdbcUrlWithSeparateCredentials() {
        var url = DatabaseUrl.parse("postgresql://forge:s3cret@db.internal:5433/agentforge");
        assertThat(url).isEqualTo(new DatabaseUrl("jdbc:postgresql://db.internal:5433/agentforge", "forge", "s3cret"));
        assertThat(url.toString()).doesNotContain("s3cret");
    }

    @Test
    void percentEncodedPasswordsAreDecodedAndQueryParametersKept() {
        var url = DatabaseUrl.parse("postgres://forge:p%40ss%3Aw+rd@localhost/agentforge?sslmode=require");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/agentforge?sslmode=require");
        assertThat(url.user()).isEqualTo("forge");
        assertThat(url.password()).isEqualTo("p@ss:w+rd");
    }

    @Test
    void aUrlWithoutCredentialsLeavesThemToTheDriver() {
        assertThat(DatabaseUrl.parse("postgresql://localhost:5432/agentforge"))
                .isEqualTo(new DatabaseUrl("jdbc:postgresql://localhost:5432/agentforge", null, null));
    }

    @Test
    void passwordsInAJdbcUrlsQueryOrUserInfoNeverReachItsDescription() {
        var url = DatabaseUrl.parse("jdbc:postgresql://db:5432/forge?user=forge&password=s3cret&sslmode=require");
        assertThat(url.jdbcUrl()).contains("password=s3cret");
        assertThat(url.toString()).doesNotContain("s3cret").contains("password=***").contains("sslmode=require");
        assertThat(DatabaseUrl.parse("postgresql://forge@db/forge?sslpassword=k3y").toString()).doesNotContain("k3y");
        assertThat(DatabaseUrl.redact("FATAL at jdbc:postgresql://forge:s3cret@db/forge; PASSWORD = x"))
                .doesNotContain("s3cret");
    }

    @Test
    void aJdbcUrlPassesThrough() {
        var jdbc = "jdbc:postgresql://localhost:5432/agentforge?user=forge&password=x";
        assertThat(DatabaseUrl.parse(jdbc)).isEqualTo(new DatabaseUrl(jdbc, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql://u:p@host/db", "localhost:5432/db", "postgresql://u:p@host:5432/",
            "postgresql://u:p@:5432/db", "postgresql://u:secretpw@host:port/db", "jdbc:mysql://host/db", " "})
    void aMalformedUrlIsRefusedNamingTheVariableAndTheFormsWithoutEchoingIt(String text) {
        assertThatThrownBy(() -> DatabaseUrl.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DATABASE_URL")
                .hasMessageContaining("postgresql://user:password@host:port/database")
                .hasMessageContaining("jdbc:postgresql://")
                .hasMessageNotContaining("secretpw");
    }

    @Test
    void openingWithAMalformedUrlFailsBeforeTouchingAnything(@TempDir Path dir) {
        assertThatThrownBy(() -> Database.open("redis://localhost:6379", dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DATABASE_URL");
        assertThat(dir).isEmptyDirectory();
    }
}
