/**
 * Checks of the deployment files (Dockerfile's compose and Kubernetes manifests) without Docker or a cluster:
 * they parse into typed models and their cross-references hold.
 */
package io.agentforge.launcher.deployment;
