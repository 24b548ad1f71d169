/**
 * Small working Training and Model services for the API's tests, until the real ones are merged: jobs kept in
 * memory and announced on the real event bus, artifacts stored in a temporary directory with real checksums. A test
 * decides how each job ends, which is what the API's orchestration must react to.
 */
package io.agentforge.api.testing;
