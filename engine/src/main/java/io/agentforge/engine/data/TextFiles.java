package io.agentforge.engine.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A user's data: a plain text file (cut into context-sized windows) or JSONL with one {@code {"text": ...}} or
 * {@code {"question": ..., "answer": ...}} object per line. A question/answer pair longer than the context is kept
 * whole here; the split leaves it out and counts it, since a cut answer would teach a wrong one.
 */
public final class TextFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TextFiles() {
    }

    public static List<Example> load(Path path, ByteTokenizer tokenizer, int contextLength) {
        try {
            return path.getFileName().toString().endsWith(".jsonl")
                    ? jsonLines(Files.readAllLines(path), tokenizer, contextLength)
                    : windows(tokenizer.encode(Files.readString(path)), contextLength);
        } catch (IOException e) {
            throw new UncheckedIOException("dataset: cannot read " + path, e);
        }
    }

    static List<Example> jsonLines(List<String> lines, ByteTokenizer tokenizer, int contextLength) {
        var examples = new ArrayList<Example>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException("dataset: line " + (i + 1) + " is not JSON: " + e.getMessage());
            }
            if (node.hasNonNull("question") && node.hasNonNull("answer")) {
                examples.add(WordProblems.questionAnswer(tokenizer, node.get("question").asText(), node.get("answer").asText()));
            } else if (node.hasNonNull("text")) {
                int[] text = tokenizer.encode(node.get("text").asText());
                int[] withEnd = Arrays.copyOf(text, text.length + 1);
                withEnd[text.length] = SpecialToken.END_OF_TEXT.id();
                examples.addAll(windows(withEnd, contextLength));
            } else {
                throw new IllegalArgumentException("dataset: line " + (i + 1) + " has neither \"text\" nor \"question\" and \"answer\"");
            }
        }
        return examples;
    }

    /** Windows of {@code contextLength + 1} tokens (inputs plus the shifted targets), one context apart. */
    static List<Example> windows(int[] tokens, int contextLength) {
        var examples = new ArrayList<Example>();
        for (int start = 0; start + 1 < tokens.length; start += contextLength) {
            int end = Math.min(tokens.length, start + contextLength + 1);
            examples.add(new Example(Arrays.copyOfRange(tokens, start, end), 0));
        }
        return examples;
    }
}
