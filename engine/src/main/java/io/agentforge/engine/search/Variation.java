package io.agentforge.engine.search;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How genomes of one kind are drawn and bred. Genomes must have value equality (records of values): it is the key of
 * the evaluation cache. Children must be valid (repaired) genomes.
 */
public interface Variation<G> {

    G random(RandomGenerator random);

    /** One or two children of two parents (the implementation decides whether they actually mix). */
    List<G> crossover(G first, G second, RandomGenerator random);

    G mutate(G genome, RandomGenerator random);
}
