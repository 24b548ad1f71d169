/**
 * Multi-objective search (PHASES.md section 6): NSGA-II with fast non-dominated sorting, crowding distance and
 * elitist replacement over any genome with a {@link io.agentforge.engine.search.Variation}; exact hypervolume and
 * Spearman's rank correlation for the ADAS phase's proof numbers; the architecture genome with its parameter cap, and
 * a forward-latency measurement. Objectives are the caller's (a batch at a time, so that a phase can spread one
 * generation over workers). Depends on the model package only.
 */
package io.agentforge.engine.search;
