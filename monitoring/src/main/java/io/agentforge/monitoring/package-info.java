/**
 * The Monitoring service (port 8004): health of every service, system metrics, alert rules and alerts.
 * Depends on the contracts and the platform, never on another service.
 */
package io.agentforge.monitoring;
