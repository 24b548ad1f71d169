/**
 * Training jobs: their configuration, state and progress, and the {@link io.agentforge.contracts.training.TrainingService}
 * through which the API service starts, follows and cancels them.
 */
package io.agentforge.contracts.training;
