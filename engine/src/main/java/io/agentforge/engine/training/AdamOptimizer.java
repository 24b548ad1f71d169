package io.agentforge.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.agentforge.engine.checkpoint.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.HashMap;
import java.util.Map;

/**
 * Adam over the model's named parameters, written out rather than DJL's (whose moments live inside the native
 * optimizer, out of reach of a checkpoint). With step t, learning rate lr and gradient g:
 * <pre>
 *   coupled L2:  g = g + wd * p
 *   decoupled:   p = p * (1 - lr * wd)
 *   m = b1 m + (1 - b1) g          v = b2 v + (1 - b2) g²
 *   p = p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * exactly torch's Adam and AdamW. Must run with gradient recording off (outside a gradient collector).
 */
public final class AdamOptimizer implements AutoCloseable {

    private static final String FIRST = "adam.m/";
    private static final String SECOND = "adam.v/";

    private final OptimizerSettings settings;
    private final NDManager manager = NDManager.newBaseManager();
    private final Map<String, NDArray> firstMoments = new HashMap<>();
    private final Map<String, NDArray> secondMoments = new HashMap<>();
    private long steps;

    public AdamOptimizer(OptimizerSettings settings) {
        this.settings = settings;
    }

    /**
     * Updates each parameter from its gradient. Temporaries go to {@code scratch}, which the caller closes after the
     * step.
     */
    public void step(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate, NDManager scratch) {
        step(parameters, gradients, learningRate, settings.weightDecay(), scratch);
    }

    /** {@link #step} with this step's weight decay instead of the settings' (a schedule, e.g. 0 in a run's second half). */
    public void step(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate, double weightDecay,
                     NDManager scratch) {
        steps++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double wd = weightDecay;
        double correction1 = 1 - Math.pow(b1, steps);
        double correction2 = 1 - Math.pow(b2, steps);
        gradients.forEach((name, g) -> {
            NDArray p = parameters.get(name);
            if (settings.decay() == OptimizerSettings.Decay.COUPLED_L2 && wd > 0) {
                g.addi(scratchy(p.mul(wd), scratch));
            }
            NDArray m = firstMoments.computeIfAbsent(name, n -> zerosLike(p, FIRST + n));
            NDArray v = secondMoments.computeIfAbsent(name, n -> zerosLike(p, SECOND + n));
            m.muli(b1).addi(g.mul(1 - b1));
            v.muli(b2).addi(g.square().muli(1 - b2));
            NDArray denominator = scratchy(v.div(correction2), scratch).sqrt().addi(settings.epsilon());
            NDArray update = scratchy(m.div(correction1), scratch).divi(denominator).muli(learningRate);
            if (settings.decay() == OptimizerSettings.Decay.DECOUPLED && wd > 0) {
                p.muli(1 - learningRate * wd);
            }
            p.subi(update);
        });
    }

    /** Results of an op on a long-lived array land in that array's manager: move them to the step's. */
    private static NDArray scratchy(NDArray temporary, NDManager scratch) {
        temporary.attach(scratch);
        return temporary;
    }

    private NDArray zerosLike(NDArray parameter, String name) {
        NDArray zeros = manager.zeros(parameter.getShape(), parameter.getDataType());
        zeros.setName(name);
        return zeros;
    }

    public long steps() {
        return steps;
    }

    /** The moments, named for a checkpoint; the arrays are live, do not close them. */
    public NDList state() {
        var list = new NDList();
        list.addAll(new NDList(firstMoments.values()));
        list.addAll(new NDList(secondMoments.values()));
        return list;
    }

    public void restore(NDList state, long steps) {
        for (NDArray array : state) {
            String name = array.getName();
            NDArray copy = array.duplicate();
            copy.attach(manager);
            copy.setName(name);
            var target = name.startsWith(FIRST) ? firstMoments : secondMoments;
            NDArray old = target.put(name.substring(name.indexOf('/') + 1), copy);
            if (old != null) {
                old.close();
            }
        }
        this.steps = steps;
    }

    /**
     * Writes the moments as safetensors, atomically, for a loop that saves its own state instead of a {@link Trainer}
     * checkpoint (the step count is the caller's to keep beside them).
     */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, out -> state().encode(out, NDList.Encoding.SAFETENSORS));
    }

    /** Restores moments {@link #write} wrote, with the step count they were written at. */
    public void restore(Path file, long steps) throws IOException {
        try (NDManager scratch = NDManager.newBaseManager(); InputStream in = Files.newInputStream(file)) {
            restore(NDList.decode(scratch, in), steps);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
