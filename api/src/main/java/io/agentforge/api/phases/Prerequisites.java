package io.agentforge.api.phases;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * What a phase needs before it can start: EvoMerge merges the three Cognate models, every later phase continues from
 * the previous phase's winner. A missing prerequisite is a 409 whose details say which phase to run first.
 */
public final class Prerequisites {
    /** Cognate trains this many models from one ancestor; EvoMerge needs all of them. */
    public static final int COGNATE_MODELS = 3;
    /** The tag of Cognate's shared initial state, which is saved as a model but is no candidate for merging. */
    static final String ANCESTOR_TAG = "ancestor";

    private final ModelService models;

    public Prerequisites(ModelService models) {
        this.models = models;
    }

    /**
     * Walks the phase's chain from Cognate and names the first phase that has no model to hand on: that is the one to
     * run first (running the phase just before would only fail the same way), and whether it can run at all.
     *
     * @param implemented the phases the Training service runs
     * @throws ConflictException with {@code required_phase}, {@code required_phase_implemented},
     *                           {@code available_models}, {@code required_models}
     */
    public void require(ModelPhase phase, Set<ModelPhase> implemented) {
        for (var earlier = ModelPhase.COGNATE; earlier != phase; earlier = earlier.next()) {
            long available;
            int needed;
            if (earlier == ModelPhase.COGNATE) {
                available = cognateModels().size();
                needed = COGNATE_MODELS;
            } else {
                available = models.models(new ModelQuery(earlier, null, null, true, PageRequest.first(1))).total();
                needed = 1;
            }
            if (available < needed) {
                boolean runnable = implemented.contains(earlier);
                var details = new LinkedHashMap<String, Object>();
                details.put("required_phase", earlier.wireName());
                details.put("required_phase_implemented", runnable);
                details.put("available_models", available);
                details.put("required_models", needed);
                var what = earlier == ModelPhase.COGNATE ? "the " + COGNATE_MODELS + " Cognate models"
                        : "a winner model of " + earlier.displayName();
                throw new ConflictException(phase.displayName() + " needs " + what + " (found " + available + "); "
                        + (runnable ? "run " + earlier.wireName() + " first"
                        : earlier.wireName() + " is the first phase of its chain without a model, and it is not"
                        + " implemented yet"), details);
            }
        }
    }

    /** Cognate's trained models, newest first, without their shared ancestor. */
    public List<ModelMetadata> cognateModels() {
        return models.models(new ModelQuery(ModelPhase.COGNATE, null, null, null, PageRequest.first(PageRequest.MAX_LIMIT)))
                .items().stream().filter(model -> !model.tags().contains(ANCESTOR_TAG)).toList();
    }
}
