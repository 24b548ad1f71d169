package io.agentforge.training.worker;

import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.training.parameters.PhaseParameters;

import java.nio.file.Path;
import java.util.Map;

/** A tiny model trained a few steps on a phase's data and ternarised, as Tool/Persona hands one on, for tests. */
public final class TinyIncomingModel {
    public static final TransformerConfig CONFIG = new TransformerConfig(272, 128, 2, 32, 2, 64, true);

    private TinyIncomingModel() {
    }

    /** Exports it into {@code target}, trained on the data that {@code parameters} of {@code phase} select. */
    public static Path export(ModelPhase phase, Map<String, Object> parameters, Path target) throws Exception {
        var phaseParameters = PhaseParameters.of(new JobRequest(phase, null, parameters, null),
                target.resolveSibling("datasets"));
        var data = QuantizedTraining.forTraining(QuantizedTraining.data(phaseParameters, CONFIG));
        var run = TrainingRun.builder(CONFIG, data).modelName("incoming").learningRate(3e-3)
                .warmupSteps(2).batchSize(8).maxSteps(8).evalInterval(8).evalBatchSize(16)
                .grokFast(new GrokFastSettings.Off()).seed(1).build();
        try (var fp = new Trainer().run(run, p -> { }, new StopSignal()).model();
             var ternary = Ternarization.ternarize(fp)) {
            ModelExport.save(ternary, null, target);
        }
        return target;
    }
}
