package io.agentforge.engine.tokenizer;

/**
 * The reserved tokens, with their fixed ids. Ids are part of every saved model: never renumber, only use a spare.
 */
public enum SpecialToken {
    END_OF_TEXT(256, "<|endoftext|>"),
    PADDING(257, "<|pad|>"),
    THOUGHT_START(258, "<|startofthought|>"),
    THOUGHT_END(259, "<|endofthought|>"),
    /** Opens a tool call; the call's text follows, closed by {@link #TOOL_CALL_END}. */
    TOOL_CALL(260, "<|toolcall|>"),
    /** Opens the result the runtime injects after a call, closed by {@link #TOOL_RESULT_END}. */
    TOOL_RESULT(261, "<|toolresult|>"),
    PERSONA_START(262, "<|persona|>"),
    PERSONA_END(263, "<|endofpersona|>"),
    // Spares so that a phase we have not thought of yet still needs no new embedding rows.
    /** Ends a tool call: generation pauses here and the runtime executes the call. Was the spare reserved_0. */
    TOOL_CALL_END(264, "<|endoftoolcall|>"),
    /** Ends an injected tool result. Was the spare reserved_1. */
    TOOL_RESULT_END(265, "<|endoftoolresult|>"),
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
