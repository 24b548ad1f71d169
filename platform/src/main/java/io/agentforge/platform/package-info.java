/**
 * The plumbing every service shares: configuration, JSON, the event bus, persistence, resilient HTTP clients and
 * the web server frame (health, metrics, the response envelope). Depends only on the contracts.
 */
package io.agentforge.platform;
