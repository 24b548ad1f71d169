package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetSplitsTest {

    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @Test
    void splitsAreDisjointAndCoverTheUniqueExamples() {
        var examples = ModularArithmetic.generate(23, ModularArithmetic.Operation.MULTIPLY);
        var splits = DatasetSplits.split(examples, new SplitSettings(0.5, 0.25, 0, 0, 7));
        var train = new HashSet<>(splits.train());
        var select = new HashSet<>(splits.select());
        var test = new HashSet<>(splits.test());
        assertThat(train).doesNotContainAnyElementsOf(select).doesNotContainAnyElementsOf(test);
        assertThat(select).doesNotContainAnyElementsOf(test);
        assertThat(train.size() + select.size() + test.size()).isEqualTo(23 * 23);
        // Assigned by hash: about half, not exactly.
        assertThat(splits.train().size()).isBetween(220, 310);
    }

    @Test
    void theSeedChangesOnlyTheTrainOrderNeverSelectOrTest() {
        var examples = WordProblems.generate(300, 1, tokenizer);
        var settings = new SplitSettings(0.8, 0.1, 0, 0, 42);
        var first = DatasetSplits.split(examples, settings);
        var again = DatasetSplits.split(WordProblems.generate(300, 1, tokenizer), settings);
        var other = DatasetSplits.split(examples, new SplitSettings(0.8, 0.1, 0, 0, 43));
        assertThat(again).isEqualTo(first);
        assertThat(other.train()).isNotEqualTo(first.train()).containsExactlyInAnyOrderElementsOf(first.train());
        assertThat(other.select()).isEqualTo(first.select());
        assertThat(other.test()).isEqualTo(first.test());
        assertThat(other.hashes()).isEqualTo(first.hashes());
    }

    @Test
    void examplesLongerThanTheContextAreLeftOutAndCountedNeverCut() {
        var examples = WordProblems.generate(300, 1, tokenizer);
        int context = 80;
        long tooLong = examples.stream().distinct().filter(e -> e.tokens().length > context + 1).count();
        assertThat(tooLong).isPositive();
        var splits = DatasetSplits.split(examples, context, new SplitSettings(0.8, 0.1, 0, 0, 1));
        assertThat(splits.leftOut()).isEqualTo(examples.stream().filter(e -> e.tokens().length > context + 1).count());
        for (var split : List.of(splits.train(), splits.select(), splits.test())) {
            assertThat(split).allMatch(e -> e.tokens().length <= context + 1).allMatch(examples::contains);
        }
    }

    @Test
    void splitHashesChangeWithTheExamples() {
        var splits = DatasetSplits.split(WordProblems.generate(300, 1, tokenizer), new SplitSettings(0.8, 0.1, 0, 0, 1));
        var fewer = DatasetSplits.split(WordProblems.generate(299, 1, tokenizer), new SplitSettings(0.8, 0.1, 0, 0, 1));
        assertThat(splits.hashes()).containsOnlyKeys("train", "select", "test")
                .allSatisfy((name, hash) -> assertThat(hash).matches("[0-9a-f]{64}"));
        assertThat(fewer.hashes()).isNotEqualTo(splits.hashes());
    }

    @Test
    void wordProblemDuplicatesNeverLeakFromTrainIntoTest() {
        var examples = WordProblems.generate(2000, 3, tokenizer);
        var splits = DatasetSplits.split(examples, new SplitSettings(0.8, 0.1, 0, 0, 1));
        assertThat(new HashSet<>(splits.test())).doesNotContainAnyElementsOf(splits.train());
    }

    @Test
    void capsTrainAndEvalSamples() {
        var examples = ModularArithmetic.generate(31, ModularArithmetic.Operation.ADD);
        var splits = DatasetSplits.split(examples, new SplitSettings(0.5, 0.25, 100, 20, 5));
        assertThat(splits.train()).hasSize(100);
        assertThat(splits.select()).hasSize(20);
        assertThat(splits.test()).hasSize(20);
    }

    @Test
    void rejectsFractionsByName() {
        assertThatThrownBy(() -> new SplitSettings(0, 0.1, 0, 0, 1)).hasMessageStartingWith("train_fraction:");
        assertThatThrownBy(() -> new SplitSettings(0.8, 0.3, 0, 0, 1)).hasMessageStartingWith("select_fraction:");
        assertThatThrownBy(() -> new SplitSettings(0.8, 0.1, -1, 0, 1)).hasMessageStartingWith("max_train_samples:");
    }

    @Test
    void modularArithmeticEncodesEachNumberAsOneTokenWithTheRightAnswer() {
        var examples = ModularArithmetic.generate(97, ModularArithmetic.Operation.MULTIPLY);
        assertThat(examples).hasSize(97 * 97);
        var e = examples.get(13 * 97 + 50);
        assertThat(e.tokens()).containsExactly(13, 97, 50, 98, 13 * 50 % 97);
        assertThat(e.promptLength()).isEqualTo(4);
        var division = ModularArithmetic.generate(7, ModularArithmetic.Operation.DIVIDE);
        assertThat(division).allMatch(x -> x.tokens()[4] * x.tokens()[2] % 7 == x.tokens()[0]);
    }

    @Test
    void wordProblemAnswersAreArithmeticallyRight() {
        for (var e : WordProblems.generate(200, 9, tokenizer)) {
            String answer = tokenizer.decode(e.answer());
            assertThat(answer).endsWith(SpecialToken.END_OF_TEXT.marker());
            // Every "a op b = c" step of the working holds.
            for (String step : answer.replace(SpecialToken.END_OF_TEXT.marker(), "").split(" #### ")[0].split("; ")) {
                String[] parts = step.split(" ");
                long a = Long.parseLong(parts[0]);
                long b = Long.parseLong(parts[2]);
                long c = Long.parseLong(parts[4]);
                assertThat(switch (parts[1]) {
                    case "+" -> a + b;
                    case "-" -> a - b;
                    default -> a * b;
                }).as(step).isEqualTo(c);
            }
        }
    }

    @Test
    void readsJsonLinesOfTextAndOfQuestionsWithAnswers(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("data.jsonl");
        Files.write(file, List.of(
                "{\"question\": \"2+2?\", \"answer\": \"4\"}",
                "",
                "{\"text\": \"hello\"}"));
        var examples = TextFiles.load(file, tokenizer, 32);
        assertThat(examples).hasSize(2);
        assertThat(tokenizer.decode(examples.get(0).prompt())).isEqualTo("2+2?\n");
        assertThat(tokenizer.decode(examples.get(0).answer())).isEqualTo("4<|endoftext|>");
        assertThat(examples.get(1).promptLength()).isZero();
        assertThat(tokenizer.decode(examples.get(1).tokens())).isEqualTo("hello<|endoftext|>");
    }

    @Test
    void cutsPlainTextIntoContextWindowsThatOverlapByOneToken(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("book.txt");
        Files.writeString(file, "abcdefghij");
        var examples = TextFiles.load(file, tokenizer, 4);
        assertThat(examples).extracting(e -> tokenizer.decode(e.tokens())).containsExactly("abcde", "efghi", "ij");
    }

    @Test
    void rejectsAJsonLineWithoutKnownFields(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.write(file, List.of("{\"prompt\": \"x\"}"));
        assertThatThrownBy(() -> TextFiles.load(file, tokenizer, 32)).hasMessageContaining("line 1");
    }
}
