package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.engine.search.ArchitectureGenome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * ADAS's candidates as sub-jobs on the shared job queue ({@code candidate_jobs} 1): each batch (a generation's new
 * architectures) is queued at once, every Training replica with a free slot takes candidates and evaluates them in a
 * worker of its own ({@link AdasCandidateRun}), and the search continues when the last one is back. A sub-job is
 * named by its genome and seed, so that a resumed search asking again finds the ones already done.
 */
final class CandidateJobs implements ArchitectureFitness.Evaluator {
    private final SubJobs subJobs;
    private final WorkerChannel channel;
    private final BooleanSupplier stop;
    private final String inputModelId;
    private final int vocabSize;
    private final int contextLength;

    CandidateJobs(SubJobs subJobs, WorkerChannel channel, BooleanSupplier stop, String inputModelId, int vocabSize,
                  int contextLength) {
        this.subJobs = subJobs;
        this.channel = channel;
        this.stop = stop;
        this.inputModelId = inputModelId;
        this.vocabSize = vocabSize;
        this.contextLength = contextLength;
    }

    @Override
    public boolean evaluate(List<ArchitectureGenome> genomes, int generation, long seed,
                            Consumer<ArchitectureFitness.Evaluation> done) {
        var tasks = genomes.stream().map(genome -> task(genome, generation, seed)).toList();
        var results = subJobs.run(channel, tasks, stop, result -> {
            if (!result.completed()) {
                throw new RunFailure("adas: the candidate sub-job " + result.key() + " failed: " + result.error());
            }
            done.accept(Json.mapper().convertValue(result.stats(), ArchitectureFitness.Evaluation.class)
                    .inGeneration(generation));
        });
        return results != null;
    }

    SubJobTask task(ArchitectureGenome genome, int generation, long seed) {
        var arguments = new LinkedHashMap<String, Object>();
        arguments.put("genome", Json.mapper().convertValue(genome, Map.class));
        arguments.put("generation", generation);
        arguments.put("seed", seed);
        arguments.put("vocab_size", vocabSize);
        arguments.put("context_length", contextLength);
        arguments.put("input_model_id", inputModelId);
        return new SubJobTask(SubJobTask.ADAS_CANDIDATE, key(genome, seed), arguments);
    }

    /** E.g. {@code seed 1: 2x128 h4 f3 tied}: the genome and the seed, which fix the evaluation but for its timing. */
    static String key(ArchitectureGenome genome, long seed) {
        return "seed " + seed + ": " + genome.layers() + "x" + genome.dModel() + " h" + genome.heads() + " f"
                + genome.ffnMult() + (genome.tiedHead() ? " tied" : " untied");
    }
}
