package io.agentforge.training.worker;

import io.agentforge.engine.search.ArchitectureGenome;
import io.agentforge.engine.search.Nsga2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * ADAS's search: has each generation's new candidates evaluated (in this worker, or as sub-jobs on the shared queue),
 * logging and reporting each as it is done, and counts the generations.
 */
final class ArchitectureSearch implements Nsga2.Objectives<ArchitectureGenome>, Nsga2.Listener<ArchitectureGenome> {
    /** Thrown from the search's callbacks when the supervisor asks the worker to stop; ends the search there. */
    static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(null, null, false, false);
        }
    }

    private final ArchitectureFitness.Evaluator evaluator;
    private final EvaluationLog<ArchitectureFitness.Evaluation> log;
    private final Map<ArchitectureGenome, ArchitectureFitness.Evaluation> measured;
    private final WorkerChannel channel;
    private final BooleanSupplier stop;
    private final int totalWork;
    private final long seed;
    private final long startNanos = System.nanoTime();
    private final int resumed;
    private int generation;

    ArchitectureSearch(ArchitectureFitness.Evaluator evaluator, EvaluationLog<ArchitectureFitness.Evaluation> log,
                       Map<ArchitectureGenome, ArchitectureFitness.Evaluation> measured, WorkerChannel channel,
                       BooleanSupplier stop, int totalWork, long seed) {
        this.evaluator = evaluator;
        this.log = log;
        this.measured = measured;
        this.channel = channel;
        this.stop = stop;
        this.totalWork = totalWork;
        this.seed = seed;
        this.resumed = measured.size();
    }

    @Override
    public List<double[]> evaluate(List<ArchitectureGenome> genomes) {
        if (stop.getAsBoolean()) {
            throw new StopRequested();
        }
        boolean finished;
        try {
            finished = evaluator.evaluate(genomes, generation, seed, this::measured);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!finished) {
            throw new StopRequested();
        }
        return genomes.stream().map(genome -> measured.get(genome).objectives()).toList();
    }

    /** Logged as soon as it is known, so that a search stopped in the middle of a generation keeps it. */
    private void measured(ArchitectureFitness.Evaluation evaluation) {
        try {
            log.append(evaluation);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        measured.put(evaluation.config(), evaluation);
        report(evaluation);
    }

    private void report(ArchitectureFitness.Evaluation e) {
        int done = measured.size();
        var metrics = new LinkedHashMap<String, Double>();
        metrics.put("generation", (double) e.generation());
        metrics.put("select_loss", e.selectLoss());
        metrics.put("parameters", (double) e.parameters());
        metrics.put("latency_ms", e.latencyMs());
        metrics.put("evaluations", (double) done);
        double perEvaluation = (System.nanoTime() - startNanos) / 1e9 / Math.max(1, done - resumed);
        // An upper bound for the search: repeated genomes are answered from the cache.
        metrics.put("eta_seconds", perEvaluation * Math.max(0, totalWork - done));
        var config = e.config();
        channel.send(new WorkerMessage.Progress(done, totalWork, String.format(
                "generation %d: %d layers, d_model %d, %d heads, ffn x%d%s: select loss %.4f, %d parameters, %.2f ms%s",
                e.generation(), config.layers(), config.dModel(), config.heads(), config.ffnMult(),
                config.tiedHead() ? ", tied" : "", e.selectLoss(), e.parameters(), e.latencyMs(),
                e.replica() == null ? "" : " (on " + e.replica() + ")"), metrics));
    }

    @Override
    public void generationDone(int done, List<Nsga2.Evaluated<ArchitectureGenome>> population,
                               List<Nsga2.Evaluated<ArchitectureGenome>> evaluations, double hypervolume) {
        generation = done + 1;
        if (stop.getAsBoolean()) {
            throw new StopRequested();
        }
    }
}
