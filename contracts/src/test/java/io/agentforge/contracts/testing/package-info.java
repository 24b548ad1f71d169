/**
 * One small working implementation per service contract, shared with every module's tests through the contracts
 * test-jar: {@link io.agentforge.contracts.testing.JobLedger} (jobs kept in memory, announced on the event bus given
 * to it, ended by the test) and {@link io.agentforge.contracts.testing.ModelShelf} (artifacts in a directory with
 * real checksums). A test that needs the real service's behaviour uses the real service instead.
 */
package io.agentforge.contracts.testing;
