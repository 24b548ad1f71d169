/**
 * {@code forge}, the command-line client: {@link io.agentforge.cli.Forge} builds the command tree and maps every
 * outcome to one exit code ({@link io.agentforge.cli.ExitCodes}). Depends on its own sub-packages and the contracts;
 * it reaches the services only over HTTP and the WebSocket, never in-process.
 */
package io.agentforge.cli;
