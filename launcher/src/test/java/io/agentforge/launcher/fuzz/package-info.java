/**
 * The hostile-input fuzz suite: requests generated from each service's OpenAPI document, mutated into what an
 * attacker or a broken client would send, against all five services running for real in one process.
 */
package io.agentforge.launcher.fuzz;
