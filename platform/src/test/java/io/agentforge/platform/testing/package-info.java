/**
 * Test fixtures that run the real servers the platform talks to, from jars, on free ports: a Redis server for the
 * event bus and a PostgreSQL server for persistence. Published in the platform test-jar, so that any module's tests
 * may use them; production code never depends on this package.
 */
package io.agentforge.platform.testing;
