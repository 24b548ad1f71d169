/**
 * The API's test client ({@code ApiClient}), which checks every answer against the OpenAPI document; the launcher's
 * tests use it too. The Training and Model services the API's tests run against are the shared in-memory ones of
 * {@code io.agentforge.contracts.testing}.
 */
package io.agentforge.api.testing;
