package io.agentforge.engine.search;

import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The ADAS search space: the allowed values of each gene, the vocabulary and context the candidates share, and a cap
 * on parameters. Every genome it hands out is repaired: its head count divides d_model and its model fits the cap.
 * Breeding is uniform crossover and a ±1 step along a gene's list of values (the genes are ordered).
 */
public record ArchitectureSpace(List<Integer> layers, List<Integer> dModels, List<Integer> heads, List<Integer> ffnMults,
                                List<Boolean> tiedHeads, int vocabSize, int contextLength, long parameterCap)
        implements Variation<ArchitectureGenome> {

    private static final int GENES = 5;

    public ArchitectureSpace {
        layers = sortedValues("layers", layers);
        dModels = sortedValues("d_model", dModels);
        heads = sortedValues("heads", heads);
        ffnMults = sortedValues("ffn_mult", ffnMults);
        if (tiedHeads == null || tiedHeads.isEmpty()) {
            throw new IllegalArgumentException("tied_head: at least one value is needed");
        }
        tiedHeads = List.copyOf(new LinkedHashSet<>(tiedHeads));
        checkFits(layers, dModels, heads, ffnMults, tiedHeads, vocabSize, contextLength, parameterCap);
    }

    private static void checkFits(List<Integer> layers, List<Integer> dModels, List<Integer> heads, List<Integer> ffnMults,
                                  List<Boolean> tiedHeads, int vocabSize, int contextLength, long parameterCap) {
        for (int d : dModels) {
            if (heads.stream().noneMatch(h -> d % h == 0)) {
                throw new IllegalArgumentException("heads: none of " + heads + " divides d_model " + d);
            }
        }
        int d = dModels.getFirst();
        var smallest = new TransformerConfig(vocabSize, contextLength, layers.getFirst(), d,
                heads.stream().filter(h -> d % h == 0).findFirst().orElseThrow(), d * ffnMults.getFirst(), tiedHeads.contains(true));
        if (smallest.parameterCount() > parameterCap) {
            throw new IllegalArgumentException("parameter_cap: " + parameterCap + " is below the smallest candidate's "
                    + smallest.parameterCount() + " parameters");
        }
    }

    /** PHASES.md 6.4: 1–6 blocks, d_model 64–256, 2/4/8 heads, MLP ×2/3/4, tied or untied head. */
    public static ArchitectureSpace defaults(int vocabSize, int contextLength, long parameterCap) {
        return new ArchitectureSpace(List.of(1, 2, 3, 4, 5, 6), List.of(64, 96, 128, 192, 256), List.of(2, 4, 8), List.of(2, 3, 4),
                List.of(true, false), vocabSize, contextLength, parameterCap);
    }

    /** The full-precision model a genome describes. */
    public TransformerConfig config(ArchitectureGenome genome) {
        return config(genome, Quantization.NONE);
    }

    /** The model a genome describes, with its projections computed as {@code quantization} says (same parameters). */
    public TransformerConfig config(ArchitectureGenome genome, Quantization quantization) {
        return new TransformerConfig(vocabSize, contextLength, genome.layers(), genome.dModel(), genome.heads(),
                genome.dModel() * genome.ffnMult(), genome.tiedHead(), quantization);
    }

    /** The exact parameter count of the built model. */
    public long parameters(ArchitectureGenome genome) {
        return config(genome).parameterCount();
    }

    /**
     * The nearest valid genome: values snapped into the space, heads lowered to the largest allowed value that divides
     * d_model (raised to the smallest if none below does), then, while the model exceeds the cap, fewer blocks, then a
     * narrower MLP, then a narrower d_model. Deterministic; a valid genome comes back unchanged.
     */
    public ArchitectureGenome repair(ArchitectureGenome genome) {
        int l = nearest(layers, genome.layers());
        int d = nearest(dModels, genome.dModel());
        int f = nearest(ffnMults, genome.ffnMult());
        boolean tied = tiedHeads.contains(genome.tiedHead()) ? genome.tiedHead() : tiedHeads.getFirst();
        var g = new ArchitectureGenome(layers.get(l), dModels.get(d), dividingHeads(dModels.get(d), genome.heads()), ffnMults.get(f), tied);
        while (parameters(g) > parameterCap) {
            if (l > 0) {
                l--;
            } else if (f > 0) {
                f--;
            } else if (d > 0) {
                d--;
            } else {
                // Only an untied head is left to give up (the constructor made sure the tied smallest model fits).
                tied = true;
            }
            g = new ArchitectureGenome(layers.get(l), dModels.get(d), dividingHeads(dModels.get(d), g.heads()), ffnMults.get(f), tied);
        }
        return g;
    }

    private int dividingHeads(int dModel, int wanted) {
        int best = -1;
        for (int h : heads) {
            if (dModel % h == 0 && h <= wanted) {
                best = h;
            }
        }
        return best > 0 ? best : heads.stream().filter(h -> dModel % h == 0).findFirst().orElseThrow();
    }

    @Override
    public ArchitectureGenome random(RandomGenerator random) {
        return repair(new ArchitectureGenome(pick(layers, random), pick(dModels, random), pick(heads, random), pick(ffnMults, random),
                tiedHeads.get(random.nextInt(tiedHeads.size()))));
    }

    @Override
    public List<ArchitectureGenome> crossover(ArchitectureGenome a, ArchitectureGenome b, RandomGenerator random) {
        return List.of(repair(new ArchitectureGenome(
                (random.nextBoolean() ? a : b).layers(), (random.nextBoolean() ? a : b).dModel(), (random.nextBoolean() ? a : b).heads(),
                (random.nextBoolean() ? a : b).ffnMult(), (random.nextBoolean() ? a : b).tiedHead())));
    }

    /** Each gene moves one step along its values with probability 1/5, and at least one gene moves. */
    @Override
    public ArchitectureGenome mutate(ArchitectureGenome genome, RandomGenerator random) {
        boolean[] move = new boolean[GENES];
        boolean any = false;
        for (int i = 0; i < GENES; i++) {
            move[i] = random.nextDouble() < 1.0 / GENES;
            any |= move[i];
        }
        if (!any) {
            move[random.nextInt(GENES)] = true;
        }
        return repair(new ArchitectureGenome(
                move[0] ? step(layers, genome.layers(), random) : genome.layers(),
                move[1] ? step(dModels, genome.dModel(), random) : genome.dModel(),
                move[2] ? step(heads, genome.heads(), random) : genome.heads(),
                move[3] ? step(ffnMults, genome.ffnMult(), random) : genome.ffnMult(),
                move[4] && tiedHeads.size() > 1 ? !genome.tiedHead() : genome.tiedHead()));
    }

    private static int step(List<Integer> values, int value, RandomGenerator random) {
        if (values.size() == 1) {
            return value;
        }
        int i = nearest(values, value);
        boolean up = i == 0 || (i < values.size() - 1 && random.nextBoolean());
        return values.get(up ? i + 1 : i - 1);
    }

    private static int nearest(List<Integer> values, int value) {
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            if (Math.abs(values.get(i) - value) < Math.abs(values.get(best) - value)) {
                best = i;
            }
        }
        return best;
    }

    private static int pick(List<Integer> values, RandomGenerator random) {
        return values.get(random.nextInt(values.size()));
    }

    private static List<Integer> sortedValues(String field, List<Integer> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(field + ": at least one value is needed");
        }
        if (values.stream().anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException(field + ": values must be at least 1, were " + values);
        }
        return values.stream().distinct().sorted().toList();
    }
}
