package io.agentforge.engine.tokenizer;

/**
 * The reserved tokens, with their fixed ids. Ids are part of every saved model: never renumber, only use a spare.
 */
public enum SpecialToken {
    END_OF_TEXT(256, "<|endoftext|>"),
    PADDING(257, "<|pad|>"),
    THOUGHT_START(258, "<|startofthought|>"),
    THOUGHT_END(259, "<|endofthought|>"),
    TOOL_CALL(260, "<|toolcall|>"),
    TOOL_RESULT(261, "<|toolresult|>"),
    PERSONA_START(262, "<|persona|>"),
    PERSONA_END(263, "<|endofpersona|>"),
    // Spares so that a phase we have not thought of yet still needs no new embedding rows.
    RESERVED_0(264, "<|reserved_0|>"),
    RESERVED_1(265, "<|reserved_1|>"),
    RESERVED_2(266, "<|reserved_2|>"),
    RESERVED_3(267, "<|reserved_3|>"),
    RESERVED_4(268, "<|reserved_4|>"),
    RESERVED_5(269, "<|reserved_5|>"),
    RESERVED_6(270, "<|reserved_6|>"),
    RESERVED_7(271, "<|reserved_7|>");

    private final int id;
    private final String marker;

    SpecialToken(int id, String marker) {
        this.id = id;
        this.marker = marker;
    }

    public int id() {
        return id;
    }

    /** How the token is shown when decoded to text. */
    public String marker() {
        return marker;
    }

    public static SpecialToken ofId(int id) {
        for (SpecialToken token : values()) {
            if (token.id == id) {
                return token;
            }
        }
        throw new IllegalArgumentException("not a special token id: " + id);
    }
}
