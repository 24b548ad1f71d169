/**
 * The web dashboard the API service serves from its jar: the page at {@code GET /} for browsers, its scripts and
 * styles under {@code /ui/} (uPlot from its webjar), where the WebSocket service listens, and the step-to-pixel
 * latencies browsers report back. No build step: the files under {@code resources/dashboard} are what is served.
 */
package io.agentforge.api.dashboard;
