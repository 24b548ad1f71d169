package io.agentforge.monitoring.health;

import io.agentforge.contracts.monitoring.HealthReport;

/** One way of asking a service how it is; throwing means the service could not be asked or did not answer properly. */
@FunctionalInterface
interface HealthProbe {
    HealthReport probe() throws Exception;
}
