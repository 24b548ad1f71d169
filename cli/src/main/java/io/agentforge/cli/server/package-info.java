/**
 * How the CLI reaches the services: where they are ({@link io.agentforge.cli.server.ServerAddress}, from flags,
 * environment or a config file), the REST client of the public API and the resuming WebSocket event stream.
 * Depends only on the contracts' JSON settings.
 */
package io.agentforge.cli.server;
