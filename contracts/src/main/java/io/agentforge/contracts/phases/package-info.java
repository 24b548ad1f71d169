/**
 * The eight pipeline phases and their spellings. Used by every module that names a phase.
 */
package io.agentforge.contracts.phases;
