package io.agentforge.engine.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns off autograd recording on the calling thread before a forward pass that will never be differentiated.
 * PyTorch's grad mode is per thread and on by default, and DJL turns it off only on the thread that loaded the
 * engine: a forward on any other thread (a web request's, an evaluation's) would otherwise record a gradient graph
 * for the model's trainable parameters, costing memory and time. A gradient collector turns it back on for training.
 */
public final class InferenceMode {

    private InferenceMode() {
    }

    public static void enter() {
        Engine.getInstance();
        if (JniUtils.isGradMode()) {
            JniUtils.setGradMode(false);
        }
    }
}
