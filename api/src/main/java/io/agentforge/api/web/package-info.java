/**
 * The API service's HTTP layer: the route table with its short handlers, query parsing, CORS, and the OpenAPI
 * document with its Swagger UI page. It parses requests and calls the phases, pipeline, chat and models packages
 * and the contracts' service interfaces; failures become HTTP statuses in the platform's one error mapping.
 */
package io.agentforge.api.web;
