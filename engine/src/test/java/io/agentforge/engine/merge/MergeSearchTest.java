package io.agentforge.engine.merge;

import io.agentforge.engine.merge.MergeSearch.Evaluation;
import io.agentforge.engine.merge.MergeSearch.GenerationStats;
import io.agentforge.engine.merge.MergeSearch.Settings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MergeSearchTest {

    /** A fitness with a known optimum: task arithmetic with weights (0.6, 0.3, 0.1) and λ = 1.3. */
    private static final ToDoubleFunction<MergeGenome> TOY = genome -> {
        double[] w = genome.weightsOf(0);
        double[] target = {0.6, 0.3, 0.1};
        double distance = 0;
        for (int i = 0; i < 3; i++) {
            distance += Math.pow(w[i] - target[i], 2);
        }
        double methodPenalty = genome.method() == MergeMethod.TASK_ARITHMETIC ? 0 : 0.5;
        return -(distance + Math.pow(genome.lambda() - 1.3, 2) + methodPenalty);
    };

    /** A deterministic but rugged fitness: a pseudo-random number per genome. */
    private static final ToDoubleFunction<MergeGenome> NOISE = genome -> new SplittableRandom(genome.dareSeed()).nextDouble();

    @Test
    void generationZeroHoldsTheParentsTheSoupAndRandomGenomes() {
        var result = new MergeSearch(Settings.defaults(1).withGenerations(1)).run(TOY);
        var genomes = result.evaluations().stream().map(Evaluation::genome).toList();
        assertThat(genomes).hasSize(8);
        assertThat(genomes.subList(0, 4)).containsExactly(MergeGenome.parent(0, 3), MergeGenome.parent(1, 3), MergeGenome.parent(2, 3),
                MergeGenome.uniformSoup(3).canonical());
        assertThat(genomes.subList(4, 8)).doesNotContainAnyElementsOf(genomes.subList(0, 4)).doesNotHaveDuplicates();
        assertThat(result.fitnessHistory()).hasSize(1);
    }

    @Test
    void withElitismTheBestFitnessNeverFallsBelowGenerationZeros() {
        var result = new MergeSearch(Settings.defaults(3).withGenerations(12)).run(NOISE);
        var history = result.fitnessHistory();
        assertThat(history).hasSize(12);
        for (int g = 1; g < history.size(); g++) {
            assertThat(history.get(g).best()).as("generation %d", g).isGreaterThanOrEqualTo(history.get(g - 1).best());
        }
        double bestEvaluated = result.evaluations().stream().mapToDouble(Evaluation::fitness).max().orElseThrow();
        assertThat(result.bestFitness()).isEqualTo(bestEvaluated).isEqualTo(history.getLast().best());
        assertThat(NOISE.applyAsDouble(result.best())).isEqualTo(result.bestFitness());
    }

    @Test
    void theSearchImprovesAKnownToyFitness() {
        var result = new MergeSearch(Settings.defaults(7).withGenerations(15)).run(TOY);
        double start = result.fitnessHistory().getFirst().best();
        double end = result.fitnessHistory().getLast().best();
        assertThat(end).isGreaterThan(start + 0.05).isGreaterThan(-0.05);
        assertThat(result.best().method()).isEqualTo(MergeMethod.TASK_ARITHMETIC);
        assertThat(result.fitnessHistory().getLast().mean()).isGreaterThan(result.fitnessHistory().getFirst().mean());
        assertThat(result.fitnessHistory().getLast().bestGenome()).isEqualTo(result.best());
    }

    @Test
    void repeatedGenomesAreAnsweredFromTheCache() {
        // No crossover and no mutation: every child copies a member of generation 0.
        var settings = Settings.defaults(5).withVariation(0, 0, 0).withMethods(List.of(MergeMethod.LINEAR));
        var calls = new AtomicInteger();
        var result = new MergeSearch(settings).run(g -> {
            calls.incrementAndGet();
            return TOY.applyAsDouble(g);
        });
        assertThat(result.candidates()).isEqualTo(80);
        assertThat(calls.get()).isEqualTo(8).isEqualTo(result.computed());
        assertThat(result.evaluations()).hasSize(8);
    }

    @Test
    void clonesDoNotCrowdOutThePopulation() {
        // Children that only copy kept genomes add nothing: the kept population, and so its mean, stays generation 0's.
        var settings = Settings.defaults(5).withVariation(0, 0, 0).withMethods(List.of(MergeMethod.LINEAR)).withGenerations(4);
        var history = new MergeSearch(settings).run(TOY).fitnessHistory();
        assertThat(history).extracting(GenerationStats::mean).containsOnly(history.getFirst().mean());
    }

    @Test
    void evaluationsSurviveAJsonRoundTripUnchanged() throws Exception {
        // The phase stores finished evaluations as JSON to resume from them: a genome must come back equal.
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var result = new MergeSearch(Settings.defaults(6).withGenerations(2).withLayerGroups(2)).run(NOISE);
        String json = mapper.writeValueAsString(result.evaluations());
        var back = mapper.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<List<Evaluation>>() { });
        assertThat(back).isEqualTo(result.evaluations());
        assertThat(json).contains("\"method\":\"linear\"").contains("\"slerp_pair\"");
        var history = mapper.readTree(mapper.writeValueAsString(result.fitnessHistory()));
        assertThat(history.get(0).has("best_genome")).isTrue();
        assertThat(history.get(0).get("best_genome").has("models")).isFalse();
    }

    @Test
    void theSearchFindsAKnownMergeOfRealModels() {
        // Fitness: closeness of the merged tiny model to a hidden target recipe (task arithmetic 0.6/0.3/0.1, λ 1.3).
        var config = new io.agentforge.engine.model.TransformerConfig(20, 4, 1, 8, 2, 16, true);
        try (var a = io.agentforge.engine.model.LanguageModel.initialize(config, 1);
             var b = io.agentforge.engine.model.LanguageModel.initialize(config, 2);
             var c = io.agentforge.engine.model.LanguageModel.initialize(config, 3);
             var base = io.agentforge.engine.model.LanguageModel.initialize(config, 4)) {
            var parents = List.of(ModelMerge.tensorsOf(a), ModelMerge.tensorsOf(b), ModelMerge.tensorsOf(c));
            var ancestor = ModelMerge.tensorsOf(base);
            var target = ModelMerge.merge(MergeGenome.taskArithmetic(1.3, 0.6, 0.3, 0.1), parents, ancestor);
            ToDoubleFunction<MergeGenome> fitness = genome -> {
                var merged = ModelMerge.merge(genome, parents, ancestor);
                double distance = 0;
                for (var e : target.entrySet()) {
                    float[] x = merged.get(e.getKey()).values();
                    float[] y = e.getValue().values();
                    for (int i = 0; i < x.length; i++) {
                        distance += Math.pow(x[i] - y[i], 2);
                    }
                }
                return -distance;
            };
            var result = new MergeSearch(Settings.defaults(3).withGenerations(15)).run(fitness);
            double start = result.fitnessHistory().getFirst().best();
            assertThat(result.bestFitness()).isGreaterThan(start / 2);
            assertThat(result.best().weightsOf(0)[0]).isGreaterThan(result.best().weightsOf(0)[2]);
        }
    }

    @Test
    void genomesThatMergeAlikeShareOneEvaluation() {
        var a = MergeGenome.linear(0.5, 0.5);
        var b = new MergeGenome(MergeMethod.LINEAR, List.of(List.of(0.5, 0.5)), 1.4, 0.2, 0.3, 0.9, List.of(1, 0));
        assertThat(b.canonical()).isEqualTo(a.canonical());
        assertThat(b.dareSeed()).isEqualTo(a.dareSeed());
        assertThat(MergeGenome.ties(1, 0.3, 0.5, 0.5).canonical()).isNotEqualTo(MergeGenome.ties(1, 0.4, 0.5, 0.5).canonical());
    }

    @Test
    void theSameSeedGivesTheSameSearchAndAnotherSeedAnother() {
        var first = new MergeSearch(Settings.defaults(11).withGenerations(4)).run(NOISE);
        var second = new MergeSearch(Settings.defaults(11).withGenerations(4)).run(NOISE);
        var other = new MergeSearch(Settings.defaults(12).withGenerations(4)).run(NOISE);
        assertThat(second.evaluations()).isEqualTo(first.evaluations());
        assertThat(second.fitnessHistory()).isEqualTo(first.fitnessHistory());
        assertThat(other.evaluations()).isNotEqualTo(first.evaluations());
    }

    @Test
    void aCrashedSearchResumesFromItsFinishedEvaluations() {
        var settings = Settings.defaults(21).withGenerations(5);
        var full = new MergeSearch(settings).run(NOISE);
        int finished = 13;
        var done = new ArrayList<>(full.evaluations().subList(0, finished));
        var calls = new AtomicInteger();
        var resumed = new MergeSearch(settings).run(g -> {
            calls.incrementAndGet();
            return NOISE.applyAsDouble(g);
        }, done, (e, p) -> { });
        assertThat(resumed.fitnessHistory()).isEqualTo(full.fitnessHistory());
        assertThat(resumed.evaluations()).isEqualTo(full.evaluations());
        assertThat(calls.get()).isEqualTo(full.evaluations().size() - finished).isEqualTo(resumed.computed());

        var replay = new MergeSearch(settings).run(g -> {
            throw new AssertionError("a finished evaluation was computed again: " + g);
        }, full.evaluations(), (e, p) -> { });
        assertThat(replay.best()).isEqualTo(full.best());
        assertThat(replay.computed()).isZero();
    }

    @Test
    void theListenerSeesEveryComputationWithTheRunningFigures() {
        var seen = new ArrayList<MergeSearch.Progress>();
        var result = new MergeSearch(Settings.defaults(2).withGenerations(3)).run(TOY, List.of(), (evaluation, progress) -> {
            assertThat(evaluation.fitness()).isEqualTo(TOY.applyAsDouble(evaluation.genome()));
            seen.add(progress);
        });
        assertThat(seen).hasSize(result.computed());
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).best()).isGreaterThanOrEqualTo(seen.get(i - 1).best());
            assertThat(seen.get(i).evaluations()).isEqualTo(i + 1);
        }
        assertThat(seen.getLast().best()).isEqualTo(result.bestFitness());
        assertThat(seen.getLast().generation()).isEqualTo(2);
    }

    @Test
    void aThrowingListenerStopsTheSearch() {
        var search = new MergeSearch(Settings.defaults(2));
        assertThatThrownBy(() -> search.run(TOY, List.of(), (e, p) -> {
            if (p.evaluations() == 5) {
                throw new java.util.concurrent.CancellationException("cancelled");
            }
        })).isInstanceOf(java.util.concurrent.CancellationException.class);
    }

    @Test
    void childrenKeepToTheAllowedMethodsAndLayerGroups() {
        var settings = Settings.defaults(4).withGenerations(4).withLayerGroups(2).withMethods(List.of(MergeMethod.TIES, MergeMethod.DARE_TIES));
        var result = new MergeSearch(settings).run(NOISE);
        var later = result.evaluations().stream().filter(e -> e.generation() > 0).map(Evaluation::genome).toList();
        assertThat(later).isNotEmpty().allSatisfy(g -> {
            assertThat(g.method()).isIn(MergeMethod.TIES, MergeMethod.DARE_TIES);
            assertThat(g.layerGroups()).isEqualTo(2);
            assertThat(g.lambda()).isBetween(MergeGenome.LAMBDA_MIN, MergeGenome.LAMBDA_MAX);
        });
        assertThat(result.evaluations().stream().map(e -> e.genome().density()).filter(d -> d < 1))
                .allSatisfy(d -> assertThat(d).isBetween(MergeGenome.DENSITY_MIN, MergeGenome.DENSITY_MAX));
    }

    @Test
    void generationStatsSummariseTheKeptPopulation() {
        GenerationStats first = new MergeSearch(Settings.defaults(8).withGenerations(1)).run(TOY).fitnessHistory().getFirst();
        assertThat(first.best()).isGreaterThanOrEqualTo(first.median());
        assertThat(first.median()).isGreaterThanOrEqualTo(-10);
        assertThat(TOY.applyAsDouble(first.bestGenome())).isEqualTo(first.best());
    }

    @Test
    void settingsOutsideTheirRangesAreRefusedByName() {
        assertThatThrownBy(() -> Settings.defaults(1).withPopulation(3)).hasMessageStartingWith("population");
        assertThatThrownBy(() -> Settings.defaults(1).withGenerations(0)).hasMessageStartingWith("generations");
        assertThatThrownBy(() -> Settings.defaults(1).withMethods(List.of())).hasMessageStartingWith("methods");
        assertThatThrownBy(() -> MergeMethod.of("frankenmerge")).hasMessageStartingWith("methods");
        assertThatThrownBy(() -> new MergeGenome(MergeMethod.LINEAR, List.of(List.of(0.5, 0.6)), 1, 1, 0, 0.5, List.of(0, 1)))
                .hasMessageStartingWith("weights");
    }
}
