/**
 * Following a job or the pipeline to its end: the loop that turns WebSocket events and REST snapshots into one
 * {@link io.agentforge.cli.follow.Outcome}, and the views that show it (progress bars on a terminal, plain lines
 * otherwise, NDJSON for programs). Depends on {@code server}.
 */
package io.agentforge.cli.follow;
