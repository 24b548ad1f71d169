package io.agentforge.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteTokenizerTest {

    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @Test
    void roundTripsAnyUnicodeText() {
        String text = "Grokking 🧠: x·y mod 97 = ½ — naïve café\n\tend";
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void encodesOneIdPerUtf8Byte() {
        assertThat(tokenizer.encode("A·")).containsExactly(65, 0xC2, 0xB7);
    }

    @Test
    void reservesTheSpecialTokensOfEveryPhaseAtFixedIds() {
        assertThat(ByteTokenizer.VOCAB_SIZE).isEqualTo(272);
        assertThat(SpecialToken.END_OF_TEXT.id()).isEqualTo(256);
        assertThat(SpecialToken.PADDING.id()).isEqualTo(257);
        assertThat(SpecialToken.THOUGHT_START.id()).isEqualTo(258);
        assertThat(SpecialToken.THOUGHT_END.id()).isEqualTo(259);
        assertThat(SpecialToken.TOOL_CALL.id()).isEqualTo(260);
        assertThat(SpecialToken.TOOL_RESULT.id()).isEqualTo(261);
        assertThat(SpecialToken.PERSONA_START.id()).isEqualTo(262);
        assertThat(SpecialToken.PERSONA_END.id()).isEqualTo(263);
        assertThat(Arrays.stream(SpecialToken.values()).mapToInt(SpecialToken::id))
                .doesNotHaveDuplicates()
                .allMatch(id -> id >= 256 && id < ByteTokenizer.VOCAB_SIZE)
                .hasSize(ByteTokenizer.VOCAB_SIZE - 256);
    }

    @Test
    void neverTurnsAMarkerInTheTextIntoASpecialToken() {
        int[] ids = tokenizer.encode("<|endoftext|>");
        assertThat(ids).hasSize("<|endoftext|>".length());
        assertThat(Arrays.stream(ids)).allMatch(id -> id < 256);
    }

    @Test
    void decodesSpecialTokensAsTheirMarkers() {
        int[] ids = {SpecialToken.THOUGHT_START.id(), 'h', 'i', SpecialToken.THOUGHT_END.id(), SpecialToken.END_OF_TEXT.id()};
        assertThat(tokenizer.decode(ids)).isEqualTo("<|startofthought|>hi<|endofthought|><|endoftext|>");
    }

    @Test
    void decodesTextForReadersWithoutTheSpecialTokens() {
        // "é" is two bytes; a special token between them must not split the character.
        byte[] e = "é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int[] ids = {SpecialToken.THOUGHT_START.id(), 'c', 'a', 'f', e[0] & 0xFF, SpecialToken.RESERVED_3.id(),
                e[1] & 0xFF, SpecialToken.END_OF_TEXT.id()};

        assertThat(tokenizer.decodeText(ids)).isEqualTo("café");
        assertThat(tokenizer.decodeText(new int[] {SpecialToken.END_OF_TEXT.id()})).isEmpty();
        assertThatThrownBy(() -> tokenizer.decodeText(new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        assertThatThrownBy(() -> tokenizer.decode(new int[] {272})).isInstanceOf(IllegalArgumentException.class);
    }
}
