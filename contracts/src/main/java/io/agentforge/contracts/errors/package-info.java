/**
 * The typed failures a service may report to its caller. The web layer maps each to one HTTP status in one place,
 * and the HTTP clients map statuses back, so a caller sees the same exception in-process and over the wire.
 */
package io.agentforge.contracts.errors;
