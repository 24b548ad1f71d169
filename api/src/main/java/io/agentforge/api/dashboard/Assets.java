package io.agentforge.api.dashboard;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's files, read from the classpath once at start-up and served from memory with an ETag, so that a
 * reload revalidates with one 304 per file. A fixed list, not a directory: the page is these files and nothing else
 * of the classpath can be fetched through it.
 */
final class Assets {
    private final Map<String, Asset> byPath = new LinkedHashMap<>();

    private record Asset(byte[] bytes, String contentType, String etag) {
    }

    /** @param files URL path to classpath resource */
    Assets(Map<String, String> files) {
        files.forEach((path, resource) -> byPath.put(path, load(resource)));
    }

    List<String> paths() {
        return List.copyOf(byPath.keySet());
    }

    long totalBytes() {
        return byPath.values().stream().mapToLong(asset -> asset.bytes().length).sum();
    }

    /** Answers the file at the request's path, or passes the request on when there is none. */
    void serve(ServerRequest req, ServerResponse res) {
        var asset = byPath.get(req.path().path());
        if (asset == null) {
            res.next();
            return;
        }
        res.header(HeaderValues.create("ETag", asset.etag()));
        res.header(HeaderValues.create("Cache-Control", "no-cache"));
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(asset.etag()::equals).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(HeaderValues.create("Content-Type", asset.contentType()));
        res.send(asset.bytes());
    }

    private static Asset load(String resource) {
        try (var in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            var bytes = in.readAllBytes();
            var digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Asset(bytes, contentType(resource), "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String contentType(String resource) {
        if (resource.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (resource.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (resource.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        throw new IllegalArgumentException("no content type known for " + resource);
    }
}
