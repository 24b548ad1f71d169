package io.agentforge.contracts.training;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.phases.ModelPhase;

/**
 * A filter over jobs; a null field does not filter. Newest first.
 */
public record JobQuery(ModelPhase phase, TaskStatus status, PageRequest page) {
    public JobQuery {
        if (page == null) {
            page = PageRequest.firstPage();
        }
    }

    public static JobQuery all() {
        return new JobQuery(null, null, null);
    }
}
