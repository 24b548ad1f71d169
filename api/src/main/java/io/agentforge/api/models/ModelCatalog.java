package io.agentforge.api.models;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /models}: the asked-for page plus a summary over all matching models. The Model service interface has no
 * totals call, so the summary reads the matching models' metadata in pages of the largest size; the requested page
 * is served from that same read when it covers the whole match (the common case of fewer than 1,000 models).
 */
public final class ModelCatalog {
    private final ModelService models;

    public ModelCatalog(ModelService models) {
        this.models = models;
    }

    public ModelListing list(ModelPhase phase, PageRequest page) {
        var all = models.models(new ModelQuery(phase, null, null, null, PageRequest.first(PageRequest.MAX_LIMIT)));
        var summary = new Totals();
        all.items().forEach(summary::add);
        var offset = all.items().size();
        while (offset < all.total()) {
            var next = models.models(new ModelQuery(phase, null, null, null,
                    new PageRequest(offset, PageRequest.MAX_LIMIT)));
            if (next.items().isEmpty()) {
                break;
            }
            next.items().forEach(summary::add);
            offset += next.items().size();
        }
        var items = all.total() <= all.items().size()
                ? all.items().subList(Math.min(page.offset(), all.items().size()),
                Math.min(page.offset() + page.limit(), all.items().size()))
                : models.models(new ModelQuery(phase, null, null, null, page)).items();
        return new ModelListing(items, all.total(), page.offset(), page.limit(), summary.summary(all.total()));
    }

    private static final class Totals {
        long parameters;
        long bytes;
        long winners;
        final Map<String, Long> byPhase = new LinkedHashMap<>();

        void add(ModelMetadata model) {
            if (model.parameters().get("parameter_count") instanceof Number count) {
                parameters += count.longValue();
            }
            bytes += model.fileSize();
            winners += model.isWinner() ? 1 : 0;
            byPhase.merge(model.phase().wireName(), 1L, Long::sum);
        }

        ModelListing.Summary summary(long total) {
            return new ModelListing.Summary(total, parameters, bytes, byPhase, winners);
        }
    }
}
