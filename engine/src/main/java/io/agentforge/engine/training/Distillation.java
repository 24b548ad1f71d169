package io.agentforge.engine.training;

import ai.djl.ndarray.NDArray;
import io.agentforge.engine.evaluation.Batch;
import io.agentforge.engine.model.LanguageModel;

/**
 * Knowledge distillation (Hinton, Vinyals, Dean 2015) from a fixed teacher of the same vocabulary: the training loss
 * becomes {@code weight · T² · KL(teacher_T ‖ student_T) + (1 − weight) · CE(targets)}, where {@code _T} is the softmax
 * at temperature T, and both terms are means over the batch's scored tokens. T² keeps the gradient of the soft term on
 * the scale of the hard one. The teacher only runs forward; its logits are detached, so no gradient reaches it. The
 * caller owns the teacher and closes it after the run. Scalars enter the graph as floats: a double would promote the
 * loss to float64.
 *
 * @param weight      the share of the soft (KL) term, in [0, 1]
 * @param temperature T, above 0
 */
public record Distillation(LanguageModel teacher, double weight, double temperature) {

    public Distillation {
        if (teacher == null) {
            throw new IllegalArgumentException("teacher: is required");
        }
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("distill_weight: must be in [0, 1], was " + weight);
        }
        if (!(temperature > 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("distill_temperature: must be above 0, was " + temperature);
        }
    }

    /** The teacher's logits for the batch, detached from any gradient graph. */
    public NDArray teacherLogits(Batch batch) {
        NDArray logits = teacher.forward(batch.inputs());
        NDArray detached = logits.stopGradient();
        detached.attach(batch.inputs().getManager());
        return detached;
    }

    /** The combined loss of the student's logits against the batch's targets and the teacher's logits. */
    public NDArray loss(Batch batch, NDArray studentLogits, NDArray teacherLogits) {
        NDArray soft = softLoss(batch, studentLogits, teacherLogits);
        if (weight == 1) {
            return soft;
        }
        return soft.mul((float) weight).add(batch.loss(studentLogits).mul((float) (1 - weight)));
    }

    /** T² · the mean over scored tokens of KL(teacher_T ‖ student_T), in nats. */
    public NDArray softLoss(Batch batch, NDArray studentLogits, NDArray teacherLogits) {
        NDArray teacherLog = teacherLogits.div((float) temperature).logSoftmax(-1);
        NDArray studentLog = studentLogits.div((float) temperature).logSoftmax(-1);
        NDArray perToken = teacherLog.exp().mul(teacherLog.sub(studentLog)).sum(new int[]{-1});
        return perToken.mul(batch.weights()).sum().div(Math.max(1, batch.scoredTokens())).mul((float) (temperature * temperature));
    }
}
