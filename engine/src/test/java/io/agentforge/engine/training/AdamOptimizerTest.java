package io.agentforge.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamOptimizerTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    /** Two steps on one weight w = 1 with gradients 0.5 then -0.25, lr 0.1, wd 0.1, betas 0.9/0.99, eps 1e-8. */
    private float twoSteps(OptimizerSettings.Decay decay) {
        var settings = new OptimizerSettings(decay, 0.1, 0.9, 0.99, 1e-8, 0.1);
        NDArray w = manager.create(new float[] {1f});
        try (var adam = new AdamOptimizer(settings)) {
            for (float gradient : new float[] {0.5f, -0.25f}) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray g = step.create(new float[] {gradient});
                    adam.step(Map.of("w", w), Map.of("w", g), 0.1, step);
                }
            }
        }
        return w.getFloat();
    }

    /** The same two steps in plain doubles, written from torch's Adam/AdamW documentation. */
    private static double reference(boolean decoupled) {
        double w = 1, m = 0, v = 0, lr = 0.1, wd = 0.1, b1 = 0.9, b2 = 0.99, eps = 1e-8;
        double[] gradients = {0.5, -0.25};
        for (int t = 1; t <= 2; t++) {
            double g = gradients[t - 1];
            if (decoupled) {
                w *= 1 - lr * wd;
            } else {
                g += wd * w;
            }
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            double mHat = m / (1 - Math.pow(b1, t));
            double vHat = v / (1 - Math.pow(b2, t));
            w -= lr * mHat / (Math.sqrt(vHat) + eps);
        }
        return w;
    }

    @Test
    void adamWDecaysTheWeightsDirectly() {
        assertThat((double) twoSteps(OptimizerSettings.Decay.DECOUPLED)).isCloseTo(reference(true), within(1e-6));
    }

    @Test
    void adamWithL2AddsTheDecayToTheGradient() {
        assertThat((double) twoSteps(OptimizerSettings.Decay.COUPLED_L2)).isCloseTo(reference(false), within(1e-6));
        assertThat(reference(false)).isNotCloseTo(reference(true), within(1e-6));
    }

    @Test
    void scheduleWarmsUpLinearlyThenFollowsTheCosineToItsFloor() {
        var schedule = new LearningRateSchedule(1.0, 10, 110, 0.1);
        assertThat(schedule.at(1)).isCloseTo(0.1, within(1e-12));
        assertThat(schedule.at(10)).isCloseTo(1.0, within(1e-12));
        assertThat(schedule.at(60)).isCloseTo(0.55, within(1e-12));
        assertThat(schedule.at(110)).isCloseTo(0.1, within(1e-12));
        assertThat(new LearningRateSchedule(1.0, 10, 110, 1.0).at(80)).isCloseTo(1.0, within(1e-12));
    }
}
