package io.agentforge.launcher;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Comments cite the contract as "SPEC section N" or "SPEC §N"; each such section must exist in docs/SPEC.md, so that a
 * reader who follows a reference finds what it points to.
 */
class SpecReferencesTest {
    private static final Pattern REFERENCE = Pattern.compile("SPEC (?:section |§ ?)(\\d+)");
    private static final Path ROOT = Path.of("..");

    @Test
    void everySpecSectionACommentCitesExists() throws IOException {
        var spec = Files.readString(ROOT.resolve("docs/SPEC.md"));
        var missing = new ArrayList<String>();
        int references = 0;
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (var file : files.filter(SpecReferencesTest::isSource).toList()) {
                var matcher = REFERENCE.matcher(Files.readString(file));
                while (matcher.find()) {
                    references++;
                    if (!Pattern.compile("(?m)^## " + matcher.group(1) + "\\. ").matcher(spec).find()) {
                        missing.add(ROOT.relativize(file) + ": " + matcher.group());
                    }
                }
            }
        }
        assertThat(references).as("references found; is the walk looking in the right place?").isGreaterThan(10);
        assertThat(missing).as("references to sections docs/SPEC.md does not have").isEmpty();
    }

    private static boolean isSource(Path file) {
        var path = file.toString();
        return (path.endsWith(".java") || path.endsWith(".md") || path.endsWith(".sql"))
                && !path.contains("/target/") && !path.contains("/.git/") && !path.contains("/node_modules/");
    }
}
