package io.agentforge.contracts.monitoring;


import java.util.List;

/**
 * The Monitoring service: the measured health of every service, system metrics and alerts.
 */
public interface MonitoringService extends Service {
    List<ServiceHealth> servicesHealth();

    SystemMetrics systemMetrics();

    /** @param active true for open alerts only, false for resolved only, null for all */
    List<Alert> alerts(Boolean active);

    Alert resolve(String alertId);
}
