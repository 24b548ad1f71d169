/**
 * The forge command line measured as a user feels it: start-up to its first request, the first progress line of a
 * followed job, and how fast Ctrl-C detaches. Runs the built jar as a process against the services started here.
 */
package io.agentforge.bench.cli;
