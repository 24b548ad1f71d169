package io.agentforge.platform.web;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Refuses a request whose path and query are longer than {@value #MAX_CHARACTERS} characters with a 414 in the
 * envelope. The refusal is made here, in routing, rather than by Helidon's limit on the request line (raised to
 * {@value #MAX_REQUEST_LINE} bytes for this): Helidon answers that one before reading the body and closes the
 * connection at once, so that a client still writing its body reads a reset instead of the answer. After a refusal
 * in routing the body is read and discarded (up to the server's payload limit) and the connection stays open.
 */
final class RequestTargetLimit implements Filter {
    static final int MAX_CHARACTERS = 8 * 1024;
    static final int MAX_REQUEST_LINE = 64 * 1024;

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        var prologue = req.prologue();
        var length = prologue.uriPath().rawPath().length() + prologue.query().rawValue().length();
        if (length > MAX_CHARACTERS) {
            throw new HttpException("the request's path and query are longer than " + MAX_CHARACTERS + " characters",
                    Status.REQUEST_URI_TOO_LONG_414, true);
        }
        chain.proceed();
    }
}
