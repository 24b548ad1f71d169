package io.agentforge.training.pipeline;

import io.agentforge.contracts.errors.ServiceException;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineReport;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingService;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the forge report of a run from what the phases recorded: each completed job's stats (its
 * {@code phase_stats.json}), the Model service's metadata and handoffs. Nothing is computed anew, so every number in
 * the report is the phase's own.
 */
final class PipelineReports {
    /** The proof numbers of each phase (PHASES.md, the stats contract), in the order a reader compares them. */
    static final Map<ModelPhase, List<String>> PROOF = proofKeys();
    /** What each of Cognate's models shows of itself in the report. */
    static final List<String> COGNATE_MODEL_KEYS = List.of("model_id", "test_loss", "test_exact_match", "select_loss");

    private final TrainingService training;
    private final ModelService models;

    PipelineReports(TrainingService training, ModelService models) {
        this.training = training;
        this.models = models;
    }

    PipelineReport of(PipelineRun run, List<PipelineStep> steps) {
        var byPhase = new EnumMap<ModelPhase, PipelineStep>(ModelPhase.class);
        steps.forEach(step -> byPhase.put(step.phase(), step));
        var stats = new EnumMap<ModelPhase, Map<String, Object>>(ModelPhase.class);
        var jobs = new EnumMap<ModelPhase, TrainingJob>(ModelPhase.class);
        for (var step : steps) {
            if (step.jobId() != null) {
                var job = training.job(step.jobId());
                jobs.put(step.phase(), job);
                if (job.stats() != null) {
                    stats.put(step.phase(), job.stats());
                }
            }
        }
        var metadata = new LinkedHashMap<String, ModelMetadata>();
        var phases = new ArrayList<PipelineReport.Phase>();
        for (var phase : ModelPhase.values()) {
            var step = byPhase.get(phase);
            if (step == null) {
                phases.add(new PipelineReport.Phase(phase, "pending", null, null, null, null, null, null, null, null,
                        Map.of(), Map.of()));
                continue;
            }
            var job = jobs.get(phase);
            var phaseStats = stats.getOrDefault(phase, Map.of());
            var winner = step.winnerModelId();
            Long winnerBytes = winner == null ? null : model(winner, metadata).map(ModelMetadata::fileSize).orElse(null);
            Double jobSeconds = job == null || job.startedAt() == null || job.completedAt() == null ? null
                    : Duration.between(job.startedAt(), job.completedAt()).toMillis() / 1000.0;
            phases.add(new PipelineReport.Phase(phase, step.status(), step.jobId(), step.message(), step.startedAt(),
                    step.finishedAt(), number(phaseStats.get("wall_time_seconds")), jobSeconds, winner, winnerBytes,
                    proof(phase, phaseStats), handoffs(phase, byPhase.get(phase.previous()), jobs)));
        }
        var lineage = lineage(steps, stats, metadata);
        var finalStep = byPhase.get(ModelPhase.FINAL_COMPRESSION);
        var finalModel = finalStep != null && "completed".equals(finalStep.status()) ? finalStep.winnerModelId() : null;
        var end = run.finishedAt() == null ? Instant.now() : run.finishedAt();
        return new PipelineReport(run.id(), run.status(), run.message(), run.createdAt(), run.finishedAt(),
                Duration.between(run.createdAt(), end).toMillis() / 1000.0, run.parameters(), run.overrides(), phases,
                lineage, finalModel, toolAccuracy(stats));
    }

    /** The phase's proof numbers as its stats have them; a number it did not measure is left out. */
    static Map<String, Object> proof(ModelPhase phase, Map<String, Object> stats) {
        var proof = new LinkedHashMap<String, Object>();
        for (var key : PROOF.get(phase)) {
            if (stats.containsKey(key)) {
                proof.put(key, stats.get(key));
            }
        }
        if (phase == ModelPhase.COGNATE && stats.get("models") instanceof List<?> trained) {
            var each = new ArrayList<Map<String, Object>>();
            for (var entry : trained) {
                if (entry instanceof Map<?, ?> model) {
                    var shown = new LinkedHashMap<String, Object>();
                    COGNATE_MODEL_KEYS.stream().filter(model::containsKey).forEach(k -> shown.put(k, model.get(k)));
                    each.add(shown);
                }
            }
            proof.put("models", each);
        }
        return proof;
    }

    /** The statuses of the handoffs that fed the phase: those of the previous phase's job's models. */
    private Map<String, Integer> handoffs(ModelPhase phase, PipelineStep previous,
                                          Map<ModelPhase, TrainingJob> jobs) {
        if (phase.previous() == null || previous == null || previous.jobId() == null) {
            return Map.of();
        }
        var counts = new TreeMap<String, Integer>();
        for (var handoff : models.handoffs(phase.previous(), phase)) {
            var from = safeModel(handoff.modelId());
            if (from != null && previous.jobId().equals(from.trainingJobId())) {
                counts.merge(handoff.status(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * From the ancestor and Cognate's models to the last winner: each model with the models its phase took as input
     * ({@code input_models} of its stats).
     */
    private List<PipelineReport.LineageModel> lineage(List<PipelineStep> steps,
                                                      Map<ModelPhase, Map<String, Object>> stats,
                                                      Map<String, ModelMetadata> metadata) {
        var lineage = new ArrayList<PipelineReport.LineageModel>();
        var cognate = stats.get(ModelPhase.COGNATE);
        if (cognate != null) {
            var ancestor = (String) cognate.get("ancestor_model_id");
            if (ancestor != null) {
                add(lineage, ancestor, "ancestor", List.of(), metadata);
            }
            if (cognate.get("models") instanceof List<?> trained) {
                for (var entry : trained) {
                    if (entry instanceof Map<?, ?> model && model.get("model_id") instanceof String id) {
                        add(lineage, id, "cognate", ancestor == null ? List.of() : List.of(ancestor), metadata);
                    }
                }
            }
        }
        for (var step : steps) {
            if (step.phase() != ModelPhase.COGNATE && "completed".equals(step.status())
                    && step.winnerModelId() != null) {
                add(lineage, step.winnerModelId(), "winner", inputs(stats.get(step.phase())), metadata);
            }
        }
        return lineage;
    }

    private void add(List<PipelineReport.LineageModel> lineage, String modelId, String role, List<String> parents,
                     Map<String, ModelMetadata> metadata) {
        var model = model(modelId, metadata);
        lineage.add(new PipelineReport.LineageModel(modelId, model.map(ModelMetadata::name).orElse(null),
                model.map(ModelMetadata::phase).orElse(null), role, model.map(ModelMetadata::fileSize).orElse(0L),
                model.map(ModelMetadata::checksum).orElse(null), parents));
    }

    private static List<String> inputs(Map<String, Object> stats) {
        if (stats == null || !(stats.get("input_models") instanceof List<?> inputs)) {
            return List.of();
        }
        var ids = new ArrayList<String>();
        for (var input : inputs) {
            if (input instanceof Map<?, ?> model && model.get("model_id") instanceof String id) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * Test accuracy with the calculator: the tool phase's winner (with and without the tool, as it measured them)
     * against Cognate's models (their exact match on the test split); the final model's, when its phase measured it.
     */
    private static Map<String, Object> toolAccuracy(Map<ModelPhase, Map<String, Object>> stats) {
        var tool = stats.get(ModelPhase.TOOL_PERSONA);
        if (tool == null || !tool.containsKey("accuracy_with_tool")) {
            return null;
        }
        var accuracy = new LinkedHashMap<String, Object>();
        accuracy.put("tool_persona_model_id", tool.get("winner_model_id"));
        accuracy.put("accuracy_with_tool", tool.get("accuracy_with_tool"));
        accuracy.put("accuracy_without_tool", tool.get("accuracy_without_tool"));
        var last = stats.get(ModelPhase.FINAL_COMPRESSION);
        for (var key : Set.of("accuracy_with_tool", "accuracy_without_tool")) {
            if (last != null && last.containsKey(key)) {
                accuracy.put("final_" + key, last.get(key));
            }
        }
        var cognate = stats.get(ModelPhase.COGNATE);
        var cognateModels = new ArrayList<Map<String, Object>>();
        if (cognate != null && cognate.get("models") instanceof List<?> trained) {
            for (var entry : trained) {
                if (entry instanceof Map<?, ?> model) {
                    var shown = new LinkedHashMap<String, Object>();
                    shown.put("model_id", model.get("model_id"));
                    shown.put("test_exact_match", model.get("test_exact_match"));
                    cognateModels.add(shown);
                }
            }
        }
        accuracy.put("cognate_models", cognateModels);
        return accuracy;
    }

    private Optional<ModelMetadata> model(String modelId, Map<String, ModelMetadata> metadata) {
        if (!metadata.containsKey(modelId)) {
            metadata.put(modelId, safeModel(modelId));
        }
        return Optional.ofNullable(metadata.get(modelId));
    }

    /** A model that was deleted since is shown without its metadata rather than failing the report. */
    private ModelMetadata safeModel(String modelId) {
        try {
            return models.model(modelId);
        } catch (ServiceException gone) {
            return null;
        }
    }

    private static Double number(Object value) {
        return value instanceof Number number ? number.doubleValue() : null;
    }

    private static Map<ModelPhase, List<String>> proofKeys() {
        var keys = new EnumMap<ModelPhase, List<String>>(ModelPhase.class);
        keys.put(ModelPhase.COGNATE, List.of("random_baseline_loss", "random_baseline_exact_match",
                "ancestor_model_id"));
        keys.put(ModelPhase.EVOMERGE, List.of("winner_test_loss", "parent_test_losses", "soup_test_loss",
                "ancestor_test_loss", "delta_best", "barrier", "winner_genome"));
        keys.put(ModelPhase.QUIETSTAR, List.of("accuracy_with_thoughts", "accuracy_without_thoughts",
                "accuracy_scrambled_thoughts", "accuracy_input_model", "delta_thought", "delta_content"));
        keys.put(ModelPhase.BITNET, List.of("loss_fp", "loss_ptq", "loss_qat", "recovery", "size_fp32_bytes",
                "size_packed_bytes", "distinct_values_max"));
        keys.put(ModelPhase.FORGE_TRAINING, List.of("test_loss_before", "test_loss_after", "test_exact_match_before",
                "test_exact_match_after", "best_step", "stopped_early", "still_ternary"));
        keys.put(ModelPhase.TOOL_PERSONA, List.of("call_rate", "call_valid_rate", "accuracy_with_tool",
                "accuracy_without_tool", "delta_tool", "counterfactual_follow_rate", "persona_rate",
                "text_loss_before", "text_loss_after"));
        keys.put(ModelPhase.ADAS, List.of("chosen_config", "chosen_test_loss", "incoming_test_loss", "noise_floor",
                "spearman_params_loss"));
        keys.put(ModelPhase.FINAL_COMPRESSION, List.of("input_bytes", "artifact_bytes", "ratio", "loss_before",
                "loss_quantised", "loss_unpacked", "delta", "greedy_tokens_match"));
        return Collections.unmodifiableMap(keys);
    }
}
