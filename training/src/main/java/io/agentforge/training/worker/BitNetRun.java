package io.agentforge.training.worker;

import io.agentforge.engine.compression.PackOptions;
import io.agentforge.engine.compression.PackedModel;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.training.TrainingResult;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

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
        var training = QuantizedTraining.of(context, "bitnet");
        var parameters = training.parameters();
        var input = training.input();
        var fpConfig = training.inputConfig();
        if (training.inputTernary()) {
            throw new RunFailure("bitnet quantizes a full-precision model; input model " + input.modelId()
                    + " is already " + fpConfig.quantization().name().toLowerCase());
        }
        var data = QuantizedTraining.data(parameters, fpConfig);
        int rampSteps = (int) Math.round(training.own("ramp_share") * parameters.maxSteps());
        var builder = training.run(fpConfig.withQuantization(Quantization.BITNET), data, training.own("weight_decay"))
                .weightDecayUntil(training.own("weight_decay_until"))
                .quantizationRampSteps(rampSteps);
        var export = training.trained(RUN_DIR, "bitnet QAT", builder, (model, result, run, dir) -> {
            if (result.outcome() == TrainingResult.Outcome.DIVERGED) {
                throw new RunFailure("bitnet: the loss diverged (NaN or infinite) at step "
                        + result.stats().totalSteps() + "; lower learning_rate or grokfast_lambda");
            }
            // The export: every projection replaced by its {−γ, 0, γ} quantization (config "ternary").
            try (var ternary = Ternarization.ternarize(model)) {
                ModelExport.save(ternary, result.stats(), dir);
            }
        });
        if (export == null) {
            return WorkerMain.EXIT_STOPPED;
        }

        var stats = training.stats(data.hashes());
        double lossFp;
        double lossPtq;
        double lossQat;
        QuantizationReport report;
        long packedBytes;
        var packed = context.spec().jobDir().resolve(PACKED_FILE);
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
        var winner = new QuantizedTraining.Winner(ARTIFACT,
                "the one output: the ternary export of the quantization-aware-trained model",
                Map.of("quantization", "ternary"));
        return training.complete(stats, export, winner, parameters.maxSteps(), List.of("loss_fp", "loss_ptq", "loss_qat"));
    }
}
