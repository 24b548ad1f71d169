/**
 * Alerts: {@link io.agentforge.monitoring.alert.AlertRules} turns measurements into the set of conditions that hold
 * now, and the {@link io.agentforge.monitoring.alert.AlertBook} keeps one alert per holding condition, resolving it
 * when the condition clears and publishing {@code alert_created}. Storage is behind
 * {@link io.agentforge.monitoring.alert.AlertStore}: in memory, or the {@code alerts} table of the Monitoring
 * service's schema ({@code db/monitoring}) through {@link io.agentforge.monitoring.alert.AlertRepository}.
 */
package io.agentforge.monitoring.alert;
