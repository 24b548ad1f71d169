package io.agentforge.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Text to token ids and back: one id per UTF-8 byte, so any text encodes and nothing is ever unknown.
 *
 * <p>{@link #encode} never produces a special token, even when the text contains a marker such as
 * {@code <|endoftext|>}: specials are added by code, never smuggled in by data.
 */
public final class ByteTokenizer {

    /** 256 byte ids plus the 16 reserved ids of {@link SpecialToken}. */
    public static final int VOCAB_SIZE = 272;

    public int vocabSize() {
        return VOCAB_SIZE;
    }

    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    /** Decodes ids to text; special tokens appear as their markers, invalid UTF-8 as U+FFFD. */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /**
     * Decodes ids to the text a reader should see: special tokens are left out (they are structure, e.g. the end of
     * text, not words), bytes either side of one still join into their characters; invalid UTF-8 as U+FFFD.
     */
    public String decodeText(int[] ids) {
        return decode(ids, false);
    }

    private String decode(int[] ids, boolean markers) {
        var text = new StringBuilder();
        var pending = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException("token id out of vocabulary: " + id);
            }
            if (id < 256) {
                pending.write(id);
            } else if (markers) {
                text.append(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
                text.append(SpecialToken.ofId(id).marker());
            }
        }
        return text.append(pending.toString(StandardCharsets.UTF_8)).toString();
    }

    public static boolean isSpecial(int id) {
        return id >= 256 && id < VOCAB_SIZE;
    }
}
