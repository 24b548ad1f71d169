package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.search.ArchitectureGenome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ADAS candidate as a sub-job ({@link CandidateJobs}): the architecture built, trained for the parent's
 * {@code candidate_steps} on the parent's data and seed, and timed, in this worker exactly as the parent would have
 * in its own ({@link ArchitectureFitness}); the evaluation, with this replica's name, is the sub-job's stats. Nothing
 * of the input model is needed but its vocabulary and context, which the task carries: candidates start from scratch.
 */
final class AdasCandidateRun implements PhaseRunner {

    @Override
    public int run(PhaseContext context) throws Exception {
        var spec = context.spec();
        var arguments = spec.task().arguments();
        var genome = Json.mapper().convertValue(arguments.get("genome"), ArchitectureGenome.class);
        int generation = number(arguments, "generation").intValue();
        long seed = number(arguments, "seed").longValue();
        var space = ArchitectureFitness.space(spec.parameters(), number(arguments, "vocab_size").intValue(),
                number(arguments, "context_length").intValue());
        var channel = context.channel();
        channel.send(new WorkerMessage.Started(1, 0, ProcessHandle.current().pid()));
        var data = QuantizedTraining.data(spec.parameters(), space.config(genome, Quantization.BITNET));
        var evaluation = ArchitectureFitness.of(space, data, spec.parameters(), spec.replica())
                .evaluate(genome, generation, seed, context.stop());
        if (evaluation == null) {
            channel.send(new WorkerMessage.Stopped(0));
            return WorkerMain.EXIT_STOPPED;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = new LinkedHashMap<>(Json.mapper().convertValue(evaluation, Map.class));
        PhaseClock.writeStats(spec.jobDir(), stats);
        var metrics = Map.of("select_loss", evaluation.selectLoss(), "parameters", (double) evaluation.parameters(),
                "latency_ms", evaluation.latencyMs());
        channel.send(new WorkerMessage.Completed(1, List.of(), metrics));
        return WorkerMain.EXIT_COMPLETED;
    }

    private static Number number(Map<String, Object> arguments, String name) {
        if (!(arguments.get(name) instanceof Number value)) {
            throw new RunFailure("adas candidate: the task has no number " + name + " (" + arguments + ")");
        }
        return value;
    }
}
