/**
 * Alerts: {@link io.agentforge.monitoring.alert.AlertRules} turns measurements into the set of conditions that hold
 * now, and the {@link io.agentforge.monitoring.alert.AlertBook} keeps one alert per holding condition, resolving it
 * when the condition clears and publishing {@code alert_created}. Storage is behind
 * {@link io.agentforge.monitoring.alert.AlertStore}.
 */
package io.agentforge.monitoring.alert;
