/**
 * The plumbing every service shares: configuration records, the event bus, the database plumbing (each service owns
 * its tables and repositories), tracing, health and the web server frame (health, metrics, the response envelope).
 * Depends only on the contracts; knows no service.
 */
package io.agentforge.platform;
