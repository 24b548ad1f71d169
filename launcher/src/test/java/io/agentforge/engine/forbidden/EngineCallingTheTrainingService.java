package io.agentforge.engine.forbidden;

import io.agentforge.training.TrainingServer;

/** Breaks the rules on purpose (engine to service), for ArchitectureRulesFailTest; a test class, never shipped. */
public final class EngineCallingTheTrainingService {
    private EngineCallingTheTrainingService() {
    }

    public static String schema() {
        return TrainingServer.SCHEMA.name();
    }
}
