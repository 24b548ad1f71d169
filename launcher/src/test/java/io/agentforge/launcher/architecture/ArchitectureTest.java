package io.agentforge.launcher.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The dependency rules hold for the main code of every module on the launcher's class path (all but the bench). */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.agentforge");
    }

    @Test
    void everyModuleIsAnalysed() {
        for (var module : new String[]{"contracts", "platform", "engine", "training", "models", "websocket", "api",
                "monitoring", "launcher"}) {
            assertThat(main.stream().filter(c -> c.getPackageName().startsWith("io.agentforge." + module)))
                    .as(module).isNotEmpty();
        }
    }

    @Test
    void theEngineKnowsOnlyItself() {
        ArchitectureRules.ENGINE_KNOWS_ONLY_ITSELF.check(main);
    }

    @Test
    void theEngineUsesNoHttpBusOrDatabase() {
        ArchitectureRules.ENGINE_HAS_NO_HTTP_BUS_OR_DATABASE.check(main);
    }

    @Test
    void theContractsKnowOnlyThemselves() {
        ArchitectureRules.CONTRACTS_KNOW_ONLY_THEMSELVES.check(main);
    }

    @Test
    void noServiceUsesAnotherAndOnlyTheLauncherWiresThem() {
        ArchitectureRules.ONLY_THE_LAUNCHER_WIRES_SERVICES.check(main);
    }

    @Test
    void theApiAndWebSocketServicesOpenNoDatabase() {
        ArchitectureRules.STATELESS_SERVICES_OPEN_NO_DATABASE.check(main);
    }

    @Test
    void onlyTheLauncherUsesTheRedisClient() {
        ArchitectureRules.ONLY_THE_LAUNCHER_USES_REDIS.check(main);
    }

    @Test
    void noPackagesDependOnEachOtherInACycle() {
        ArchitectureRules.NO_PACKAGE_CYCLES.check(main);
    }
}
