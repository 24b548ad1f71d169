package io.agentforge.training.worker;

import io.agentforge.engine.compression.PackOptions;
import io.agentforge.engine.compression.PackedModel;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.training.parameters.PhaseParameters;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The BitNet phase (PHASES.md section 3): BitNet b1.58 quantization-aware training of the previous phase's
 * full-precision winner. Measures the input's test loss ({@code loss_fp}), the loss of its ternarization without
 * training ({@code loss_ptq}), then trains the latent weights through the straight-through estimator (λ ramped from
 * full precision to ternary over {@code ramp_share} of the run, AdamW whose decay stops after
 * {@code weight_decay_until} of it, GrokFast if enabled) and exports the ternary model, whose test loss is
 * {@code loss_qat}. Sizes are files: the input's fp32 safetensors and the packed container of the output.
 */
public final class BitNetRun implements PhaseRunner {
    static final String RUN_DIR = "qat";
    static final String PACKED_FILE = "bitnet.afpack";
    static final String ARTIFACT = "bitnet-ternary";

    @Override
    public int run(PhaseContext context) throws Exception {
        var spec = context.spec();
        var parameters = spec.parameters();
        var clock = PhaseClock.start(spec.jobDir());
        var input = QuantizedTraining.input(context.inputs(), "bitnet");
        var fpConfig = ModelExport.readConfig(input.directory());
        if (fpConfig.quantization() != Quantization.NONE) {
            throw new RunFailure("bitnet quantizes a full-precision model; input model " + input.modelId()
                    + " is already " + fpConfig.quantization().name().toLowerCase());
        }
        var data = QuantizedTraining.data(parameters, fpConfig);
        int steps = parameters.maxSteps();
        int rampSteps = (int) Math.round(own(parameters, "ramp_share") * steps);
        var builder = QuantizedTraining.baseRun("bitnet", fpConfig.withQuantization(Quantization.BITNET), data, parameters)
                .weightDecayUntil(own(parameters, "weight_decay_until"))
                .quantizationRampSteps(rampSteps);
        var runDir = spec.jobDir().resolve(RUN_DIR);
        var export = runDir.resolve(QuantizedTraining.EXPORT);
        var progress = new QuantizedTraining.SingleRun(context.channel(), steps, "bitnet QAT");
        if (!Files.isDirectory(export)) {
            var outcome = QuantizedTraining.train(builder, input.directory(), runDir, parameters, progress,
                    context.stop(), (model, result, run, dir) -> {
                        if (result.outcome() == TrainingResult.Outcome.DIVERGED) {
                            throw new RunFailure("bitnet: the loss diverged (NaN or infinite) at step "
                                    + result.stats().totalSteps() + "; lower learning_rate or grokfast_lambda");
                        }
                        // The export: every projection replaced by its {−γ, 0, γ} quantization (config "ternary").
                        try (var ternary = Ternarization.ternarize(model)) {
                            ModelExport.save(ternary, result.stats(), dir);
                        }
                    });
            if (outcome == null) {
                context.channel().send(new WorkerMessage.Stopped(progress.lastStep()));
                return WorkerMain.EXIT_STOPPED;
            }
        }
        progress.announce(steps);

        var stats = new LinkedHashMap<String, Object>();
        stats.put("phase", "bitnet");
        stats.put("input_models", List.of(QuantizedTraining.inputModels(input)));
        stats.put("split_hashes", data.hashes());
        stats.put("parameters", parameters.asMap());
        double lossFp;
        double lossPtq;
        double lossQat;
        QuantizationReport report;
        long packedBytes;
        var packed = spec.jobDir().resolve(PACKED_FILE);
        try (var fp = ModelExport.load(input.directory());
             var ptq = Ternarization.ternarize(fp);
             var qat = ModelExport.load(export)) {
            lossFp = QuantizedTraining.testLoss(fp, data.test());
            lossPtq = QuantizedTraining.testLoss(ptq, data.test());
            lossQat = QuantizedTraining.testLoss(qat, data.test());
            report = QuantizationReport.of(qat);
            // Real bytes: the container final compression writes (trits for the projections, int8 rows for the
            // embeddings and head, fp16 vectors), measured as a file.
            PackedModel.write(qat, PackOptions.defaults(), packed);
            packedBytes = Files.size(packed);
        }
        QuantizedTraining.putIfMeasured(stats, "loss_fp", lossFp);
        QuantizedTraining.putIfMeasured(stats, "loss_ptq", lossPtq);
        QuantizedTraining.putIfMeasured(stats, "loss_qat", lossQat);
        if (lossPtq > lossFp) {
            // Undefined when ternarising did no damage to recover.
            QuantizedTraining.putIfMeasured(stats, "recovery", (lossPtq - lossQat) / (lossPtq - lossFp));
        }
        stats.put("size_fp32_bytes", Files.size(input.directory().resolve(ModelExport.WEIGHTS)));
        stats.put("size_packed_bytes", packedBytes);
        stats.put("size_ternary_safetensors_bytes", Files.size(export.resolve(ModelExport.WEIGHTS)));
        stats.put("zero_fraction", report.zeroFractions());
        stats.put("distinct_values_max", report.distinctValuesMax());
        stats.put("quantization_ramp_steps", rampSteps);
        stats.put("loss_split", "test");
        stats.put("winner_artifact", ARTIFACT);
        stats.put("winner_rule", "the one output: the ternary export of the quantization-aware-trained model");
        stats.put("wall_time_seconds", clock.seconds());
        PhaseClock.writeStats(spec.jobDir(), stats);

        var metrics = new LinkedHashMap<>(CognateRun.numericStats(export));
        metrics.put("loss_fp", lossFp);
        metrics.put("loss_ptq", lossPtq);
        metrics.put("loss_qat", lossQat);
        metrics.values().removeIf(v -> !Double.isFinite(v));
        var artifactParameters = new LinkedHashMap<String, Object>(parameters.asMap());
        artifactParameters.put("quantization", "ternary");
        artifactParameters.put("input_model_id", input.modelId());
        if (metrics.get("parameter_count") != null) {
            artifactParameters.put("parameter_count", metrics.get("parameter_count").longValue());
        }
        var artifact = new WorkerMessage.Artifact(ARTIFACT, "model", export, null, artifactParameters, metrics);
        context.channel().send(new WorkerMessage.Completed(steps, List.of(artifact), metrics));
        return WorkerMain.EXIT_COMPLETED;
    }

    static double own(PhaseParameters parameters, String name) {
        return ((Number) parameters.own().get(name)).doubleValue();
    }
}
