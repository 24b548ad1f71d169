/**
 * Starts Agent Forge: all five services in one JVM wired in-process, or one named service alone wired over HTTP
 * and Redis. The only module that knows every service.
 */
package io.agentforge.launcher;
