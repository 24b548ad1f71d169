package io.agentforge.engine.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Which train examples come next: a fresh permutation per epoch, drawn from the run's seed and the epoch number, so
 * that (seed, epoch, position) is the whole state a checkpoint needs to continue with the same batches.
 */
final class DataOrder {

    private final int size;
    private final long seed;
    private int epoch;
    private int position;
    private int[] permutation;

    DataOrder(int size, long seed, int epoch, int position) {
        this.size = size;
        this.seed = seed;
        this.epoch = epoch;
        this.position = position;
        this.permutation = permutation(epoch);
    }

    List<Integer> next(int count) {
        var indices = new ArrayList<Integer>(count);
        while (indices.size() < count) {
            if (position == size) {
                epoch++;
                position = 0;
                permutation = permutation(epoch);
            }
            indices.add(permutation[position++]);
        }
        return indices;
    }

    int epoch() {
        return epoch;
    }

    int position() {
        return position;
    }

    private int[] permutation(int epoch) {
        var random = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
