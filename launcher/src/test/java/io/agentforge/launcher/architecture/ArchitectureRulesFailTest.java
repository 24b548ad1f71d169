package io.agentforge.launcher.architecture;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.agentforge.engine.forbidden.EngineCallingTheDatabase;
import io.agentforge.engine.forbidden.EngineCallingTheTrainingService;
import io.agentforge.training.TrainingServer;
import io.agentforge.websocket.forbidden.WebSocketCallingRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each rule fails on code that breaks it: the classes checked here are test classes placed in the engine's package
 * (never part of the main code that {@link ArchitectureTest} checks), each with one forbidden import.
 */
class ArchitectureRulesFailTest {
    /** @param around classes the offender uses, imported with it where a rule judges the used side (layers) */
    private static void assertFails(ArchRule rule, Class<?> offender, Class<?>... around) {
        var all = new Class<?>[around.length + 1];
        all[0] = offender;
        System.arraycopy(around, 0, all, 1, around.length);
        var classes = new ClassFileImporter().importClasses(all);
        assertThatThrownBy(() -> rule.check(classes)).isInstanceOf(AssertionError.class)
                .hasMessageContaining(offender.getSimpleName());
    }

    @Test
    void anEngineClassImportingAServiceFails() {
        assertFails(ArchitectureRules.ENGINE_KNOWS_ONLY_ITSELF, EngineCallingTheTrainingService.class);
        assertFails(ArchitectureRules.ONLY_THE_LAUNCHER_WIRES_SERVICES, EngineCallingTheTrainingService.class,
                TrainingServer.class);
    }

    @Test
    void anEngineClassImportingJdbcFails() {
        assertFails(ArchitectureRules.ENGINE_HAS_NO_HTTP_BUS_OR_DATABASE, EngineCallingTheDatabase.class);
    }

    @Test
    void aServiceClassImportingTheRedisClientFails() {
        assertFails(ArchitectureRules.ONLY_THE_LAUNCHER_USES_REDIS, WebSocketCallingRedis.class);
    }
}
