package io.agentforge.platform.config;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Gives logback's configuration the appender that {@code LOG_FORMAT} selects ({@code text} or {@code json}). Logback
 * reads its configuration before {@link AgentForgeConfig} exists, so this reads the raw value itself, the same way;
 * a malformed value logs as text until the configuration's parse stops start-up naming the variable.
 */
public final class LogFormatDefiner extends PropertyDefinerBase {
    private String format;

    /** The raw value, set from logback.xml (where {@code ${LOG_FORMAT}} is looked up in context, system, environment). */
    public void setFormat(String format) {
        this.format = format;
    }

    @Override
    public String getPropertyValue() {
        return LogFormat.parse(format).orElse(LogFormat.TEXT).id();
    }
}
