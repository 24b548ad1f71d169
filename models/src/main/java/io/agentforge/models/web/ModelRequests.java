package io.agentforge.models.web;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.helidon.common.parameters.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Query parameters of the model routes, parsed into the contract's records. Every parameter that is not understood
 * is refused with its name, so that a typo ({@code ?phse=cognate}) is a 400, not a silently unfiltered listing.
 */
final class ModelRequests {
    static final Set<String> UPLOAD_PARAMETERS = Set.of("name", "phase", "training_job_id", "tags", "tag",
            "parent_model_ids", "parameters", "metrics");
    static final Set<String> LIST_PARAMETERS = Set.of("phase", "name", "tag", "is_winner", "offset", "limit");

    private ModelRequests() {
    }

    /**
     * The metadata of an upload: {@code name}, {@code phase}, optional {@code training_job_id}, {@code tags} and
     * {@code parent_model_ids} (comma-separated or repeated), {@code parameters} and {@code metrics} (JSON objects).
     */
    static NewModel newModel(Parameters query) {
        known(query, UPLOAD_PARAMETERS);
        var name = query.first("name").orElseThrow(() -> new InvalidRequestException("name", "a model name", null));
        var phase = ModelPhase.parse(query.first("phase").orElse(null));
        var tags = new ArrayList<String>(list(query, "tags"));
        tags.addAll(list(query, "tag"));
        return new NewModel(name, phase, query.first("training_job_id").orElse(null),
                json(query, "parameters", new TypeReference<Map<String, Object>>() { }),
                json(query, "metrics", new TypeReference<Map<String, Double>>() { }),
                tags, list(query, "parent_model_ids"));
    }

    static ModelQuery modelQuery(Parameters query) {
        known(query, LIST_PARAMETERS);
        var phase = query.first("phase").map(ModelPhase::parse).orElse(null);
        var winner = query.first("is_winner").map(v -> bool("is_winner", v)).orElse(null);
        return new ModelQuery(phase, query.first("name").orElse(null), query.first("tag").orElse(null), winner,
                page(query));
    }

    static ModelQuery summaryQuery(Parameters query) {
        known(query, Set.of("phase", "name", "tag", "is_winner"));
        return modelQuery(query);
    }

    static ModelPhase optionalPhase(Parameters query, String name) {
        return query.first(name).map(ModelPhase::parse).orElse(null);
    }

    static PageRequest page(Parameters query) {
        return new PageRequest(integer(query, "offset", 0), integer(query, "limit", PageRequest.DEFAULT_LIMIT));
    }

    /** Refuses parameters the route does not know. */
    static void known(Parameters query, Set<String> allowed) {
        for (var name : query.names()) {
            if (!allowed.contains(name)) {
                throw new InvalidRequestException(name, "one of the parameters " + String.join(", ",
                        allowed.stream().sorted().toList()), "unknown parameter " + name);
            }
        }
    }

    private static List<String> list(Parameters query, String name) {
        var values = new ArrayList<String>();
        for (var value : query.all(name, List::of)) {
            for (var part : value.split(",")) {
                if (!part.isEmpty()) {
                    values.add(part);
                }
            }
        }
        return values;
    }

    private static <T> T json(Parameters query, String name, TypeReference<T> type) {
        var text = query.first(name).orElse(null);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Json.mapper().readValue(text, type);
        } catch (IOException e) {
            throw new InvalidRequestException(name, "a JSON object" + (name.equals("metrics") ? " of numbers" : ""),
                    text);
        }
    }

    private static int integer(Parameters query, String name, int fallback) {
        var text = query.first(name).orElse(null);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name, "an integer", text);
        }
    }

    private static boolean bool(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new InvalidRequestException(name, "true or false", value);
        };
    }
}
