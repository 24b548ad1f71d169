package io.agentforge.launcher.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The dependency rules of docs/ARCHITECTURE.md ("Dependencies"), as ArchUnit rules over the main classes of every
 * module. {@link ArchitectureTest} runs them on the code; {@link ArchitectureRulesFailTest} shows that each one fails
 * on a class that breaks it.
 */
final class ArchitectureRules {
    private static final String OURS = "io.agentforge..";
    /** Code that speaks HTTP, the event bus's Redis or a database: the engine must use none of it. */
    private static final String[] IO_LIBRARIES = {"io.helidon..", "java.net.http..", "com.sun.net.httpserver..",
            "io.lettuce..", "io.netty..", "java.sql..", "javax.sql..", "org.flywaydb..", "com.zaxxer..", "org.h2..",
            "org.postgresql.."};
    private static final String[] SERVICES = {"training", "models", "websocket", "api", "monitoring"};

    private ArchitectureRules() {
    }

    private static DescribedPredicate<JavaClass> oursOutside(String module) {
        return resideInAPackage(OURS).and(DescribedPredicate.not(resideInAPackage("io.agentforge." + module + "..")))
                .as("classes of ours outside " + module);
    }

    static final ArchRule ENGINE_KNOWS_ONLY_ITSELF = noClasses().that().resideInAPackage("io.agentforge.engine..")
            .should().dependOnClassesThat(oursOutside("engine"))
            .because("the ML engine is a library: services call it, it calls none of them");

    static final ArchRule ENGINE_HAS_NO_HTTP_BUS_OR_DATABASE = noClasses().that()
            .resideInAPackage("io.agentforge.engine..")
            .should().dependOnClassesThat(resideInAnyPackage(IO_LIBRARIES))
            .because("the ML engine computes; serving, messaging and storing are the services' business");

    static final ArchRule CONTRACTS_KNOW_ONLY_THEMSELVES = noClasses().that()
            .resideInAPackage("io.agentforge.contracts..")
            .should().dependOnClassesThat(oursOutside("contracts"))
            .because("the contracts are the shared vocabulary every module may use");

    /**
     * Services reach each other only through the interfaces in contracts; only the launcher sees the services
     * themselves and wires them together; the plumbing and the vocabulary know no service.
     */
    static final ArchRule ONLY_THE_LAUNCHER_WIRES_SERVICES = layeredArchitecture()
            .consideringOnlyDependenciesInAnyPackage(OURS)
            // ArchitectureTest checks separately that every module is there; a check of one class sees one layer.
            .withOptionalLayers(true)
            .layer("launcher").definedBy("io.agentforge.launcher..")
            .layer("training").definedBy("io.agentforge.training..")
            .layer("models").definedBy("io.agentforge.models..")
            .layer("websocket").definedBy("io.agentforge.websocket..")
            .layer("api").definedBy("io.agentforge.api..")
            .layer("monitoring").definedBy("io.agentforge.monitoring..")
            .layer("engine").definedBy("io.agentforge.engine..")
            .layer("platform").definedBy("io.agentforge.platform..")
            .layer("contracts").definedBy("io.agentforge.contracts..")
            .whereLayer("launcher").mayNotBeAccessedByAnyLayer()
            .whereLayer("training").mayOnlyBeAccessedByLayers("launcher")
            .whereLayer("models").mayOnlyBeAccessedByLayers("launcher")
            .whereLayer("websocket").mayOnlyBeAccessedByLayers("launcher")
            .whereLayer("api").mayOnlyBeAccessedByLayers("launcher")
            .whereLayer("monitoring").mayOnlyBeAccessedByLayers("launcher")
            .whereLayer("engine").mayOnlyBeAccessedByLayers("training", "models", "launcher")
            .whereLayer("platform").mayOnlyBeAccessedByLayers(with(SERVICES, "launcher"))
            .whereLayer("contracts").mayOnlyBeAccessedByLayers(with(SERVICES, "launcher", "platform"));

    static final ArchRule STATELESS_SERVICES_OPEN_NO_DATABASE = noClasses().that()
            .resideInAnyPackage("io.agentforge.api..", "io.agentforge.websocket..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("io.agentforge.platform.persistence..", "java.sql..", "javax.sql..")
            .because("the API and WebSocket processes keep no data and carry no JDBC driver on their class path");

    static final ArchRule ONLY_THE_LAUNCHER_USES_REDIS = noClasses().that()
            .resideOutsideOfPackage("io.agentforge.launcher..")
            .should().dependOnClassesThat().resideInAPackage("io.lettuce..")
            .because("the Redis Streams bus is a choice the launcher makes at start-up; services see the EventBus");

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.agentforge.(**)").should().beFreeOfCycles();

    private static String[] with(String[] names, String... more) {
        var all = new String[names.length + more.length];
        System.arraycopy(names, 0, all, 0, names.length);
        System.arraycopy(more, 0, all, names.length, more.length);
        return all;
    }
}
