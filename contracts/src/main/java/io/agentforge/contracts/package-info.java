/**
 * The shared vocabulary of Agent Forge: the records and enums of the wire contract (SPEC section 3) and the
 * interfaces through which one service reaches another. Depends on nothing of ours; every other module depends on it.
 */
package io.agentforge.contracts;
