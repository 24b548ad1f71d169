package io.agentforge.training.worker;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.LanguageModel;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker that also runs EvoMerge, with a small real runner of its own: the uniform soup (the mean of every
 * parameter) of the trained models it is handed. For tests of what every phase shares (input models, handoffs, stats,
 * the winner), until EvoMerge's own runner exists. With {@code generations} above 100 it runs until stopped.
 */
public final class SoupWorkerMain {

    private SoupWorkerMain() {
    }

    public static void main(String[] args) {
        PhaseRunners.register(ModelPhase.EVOMERGE, SoupWorkerMain::soup);
        WorkerMain.main(args);
    }

    static int soup(PhaseContext context) throws Exception {
        var spec = context.spec();
        var channel = context.channel();
        channel.send(new WorkerMessage.Started(1, 0, ProcessHandle.current().pid()));
        if (((Number) spec.parameters().own().get("generations")).longValue() > 100) {
            while (!context.stop().getAsBoolean()) {
                Thread.sleep(100);
            }
            channel.send(new WorkerMessage.Stopped(0));
            return WorkerMain.EXIT_STOPPED;
        }
        var parents = context.inputs().stream().filter(input -> !input.role().equals("ancestor")).toList();
        var export = spec.jobDir().resolve("soup").resolve("export");
        var loaded = new ArrayList<LanguageModel>();
        try (var manager = NDManager.newBaseManager()) {
            for (var input : parents) {
                loaded.add(ModelExport.load(input.directory()));
            }
            var config = loaded.getFirst().config();
            var mean = new NDList();
            for (var name : loaded.getFirst().parameters().keySet()) {
                var sum = loaded.getFirst().parameters().get(name).duplicate();
                sum.attach(manager);
                for (var other : loaded.subList(1, loaded.size())) {
                    sum.addi(other.parameters().get(name));
                }
                var average = sum.div(loaded.size());
                average.setName(name);
                mean.add(average);
            }
            try (var soup = LanguageModel.fromParameters(config, mean)) {
                Files.createDirectories(export.getParent());
                ModelExport.save(soup, null, export);
            }
        } finally {
            loaded.forEach(LanguageModel::close);
        }
        var inputs = context.inputs().stream().map(i -> Map.of("model_id", i.modelId(), "checksum", i.checksum())).toList();
        var stats = new LinkedHashMap<String, Object>();
        stats.put("phase", "evomerge");
        stats.put("input_models", inputs);
        stats.put("parameters", spec.parameters().asMap());
        stats.put("wall_time_seconds", 0.0);
        stats.put("winner_artifact", "evomerge-soup");
        PhaseClock.writeStats(spec.jobDir(), stats);
        channel.send(new WorkerMessage.Progress(1, 1, "soup of " + parents.size() + " models", Map.of()));
        var artifact = new WorkerMessage.Artifact("evomerge-soup", "model", export, null, spec.parameters().asMap(),
                Map.of());
        channel.send(new WorkerMessage.Completed(1, List.of(artifact), Map.of()));
        return WorkerMain.EXIT_COMPLETED;
    }
}
