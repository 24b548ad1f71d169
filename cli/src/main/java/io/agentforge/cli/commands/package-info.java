/**
 * One class per command group of {@code forge} (phases, run, runs, logs, pipeline, models, chat, events, top); each
 * parses its options, calls the server and prints. Depends on {@code server} and {@code follow}.
 */
package io.agentforge.cli.commands;
