package io.agentforge.cli.commands;

/** The command line asks for something impossible (exit 2); the message names the option and what to fix. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
