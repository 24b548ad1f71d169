package io.agentforge.models.storage;

import io.agentforge.contracts.errors.InvalidRequestException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class SafeNamesTest {
    /** Traversal attempts, raw and in the spellings a decoder or another OS might turn into one. */
    public static final String[] TRAVERSALS = {
            "..", "../", "../etc/passwd", "../../../../etc/passwd", "a/../../b", "./model", "/etc/passwd",
            "/", "\\", "..\\..\\windows\\win.ini", "C:\\Windows", "C:/Windows", "model\0.zip", "\0", "..%2F..%2Fetc",
            "%2e%2e%2f", "....//....//etc", ".hidden", "name/with/slash", "name\\with\\backslash", "~/.ssh/id_rsa",
            "model\n", " model", "", "a".repeat(129)
    };

    @TempDir
    Path root;

    static Stream<String> traversals() {
        return Stream.of(TRAVERSALS);
    }

    @ParameterizedTest
    @MethodSource("traversals")
    void namesTagsAndIdsRefuseEveryTraversalAttempt(String attempt) {
        assertThatThrownBy(() -> SafeNames.name(attempt)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> SafeNames.tag(attempt)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("tags");
        assertThatThrownBy(() -> SafeNames.id("model_id", attempt)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("model_id");
        assertThatThrownBy(() -> SafeNames.trainingJobId(attempt)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("training_job_id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x", "a/../../x", "/etc/passwd", "a\\b", "a\0b", "cognate/..", "cognate/../.."})
    void storedPathsMustStayUnderTheRoot(String attempt) {
        assertThatThrownBy(() -> SafeNames.within(root, attempt)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("file_path");
    }

    @Test
    void ordinaryValuesPass() {
        assertThat(SafeNames.name("cognate-model_1.v2")).isEqualTo("cognate-model_1.v2");
        assertThat(SafeNames.tag("seed=42")).isEqualTo("seed=42");
        assertThat(SafeNames.id("model_id", "123e4567-e89b-42d3-a456-426614174000")).isNotNull();
        assertThat(SafeNames.within(root, "cognate/x/model.zip"))
                .isEqualTo(root.toAbsolutePath().normalize().resolve("cognate/x/model.zip"));
    }

    @Test
    void idsAreLowerCaseUuidsOnly() {
        assertThatThrownBy(() -> SafeNames.id("model_id", "123E4567-E89B-42D3-A456-426614174000"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> SafeNames.id("model_id", "123e4567-e89b-42d3-a456-426614174000/../x"))
                .isInstanceOf(InvalidRequestException.class);
    }
}
