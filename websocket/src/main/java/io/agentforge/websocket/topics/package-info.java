/**
 * Topics and the bridge from the event bus to them (the topic table of SPEC section 5): which bus event goes to which
 * topic in which shape, including the derived {@code phase_update} and the per-job topics, and the training status
 * that clients ask for with {@code get_training_status}. Pure functions of events; depends on the contracts only.
 */
package io.agentforge.websocket.topics;
