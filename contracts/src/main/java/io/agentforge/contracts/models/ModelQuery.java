package io.agentforge.contracts.models;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.phases.ModelPhase;

/**
 * A filter over models; a null field does not filter. Newest first.
 */
public record ModelQuery(ModelPhase phase, String name, String tag, Boolean winner, PageRequest page) {
    public ModelQuery {
        if (page == null) {
            page = PageRequest.firstPage();
        }
    }

    public static ModelQuery all() {
        return new ModelQuery(null, null, null, null, null);
    }

    public static ModelQuery ofPhase(ModelPhase phase) {
        return new ModelQuery(phase, null, null, null, null);
    }
}
