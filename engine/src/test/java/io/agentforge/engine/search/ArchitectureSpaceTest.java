package io.agentforge.engine.search;

import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArchitectureSpaceTest {

    private static final ArchitectureSpace SPACE = ArchitectureSpace.defaults(272, 64, 1_000_000);

    @Test
    void theReportedParameterCountIsTheBuiltModels() {
        for (var genome : List.of(new ArchitectureGenome(1, 64, 2, 2, true), new ArchitectureGenome(3, 96, 8, 3, false),
                new ArchitectureGenome(2, 128, 4, 4, true))) {
            try (var model = LanguageModel.initialize(SPACE.config(genome), 1)) {
                assertThat(SPACE.parameters(genome)).as(genome.toString()).isEqualTo(model.parameterCount());
            }
        }
    }

    @Test
    void everyDrawnOrBredGenomeIsValidAndUnderTheCap() {
        var random = new Random(2);
        var seen = new HashSet<ArchitectureGenome>();
        var genome = SPACE.random(random);
        for (int i = 0; i < 500; i++) {
            var other = SPACE.random(random);
            genome = SPACE.mutate(SPACE.crossover(genome, other, random).getFirst(), random);
            for (var g : List.of(genome, other)) {
                TransformerConfig config = SPACE.config(g);
                assertThat(config.dModel() % config.heads()).isZero();
                assertThat(config.parameterCount()).isLessThanOrEqualTo(1_000_000);
                assertThat(SPACE.layers()).contains(g.layers());
                assertThat(SPACE.dModels()).contains(g.dModel());
                assertThat(SPACE.ffnMults()).contains(g.ffnMult());
                assertThat(SPACE.repair(g)).isEqualTo(g);
                seen.add(g);
            }
        }
        // The search sees a real spread of shapes, not one corner of the space.
        assertThat(seen.stream().map(ArchitectureGenome::dModel).distinct()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(seen.stream().map(ArchitectureGenome::layers).distinct()).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void repairLowersHeadsToADivisorAndShrinksOversizedModels() {
        var space = new ArchitectureSpace(List.of(1, 2, 4), List.of(60, 64), List.of(2, 4, 8), List.of(2, 4), List.of(true), 100, 16, 10_000_000);
        assertThat(space.repair(new ArchitectureGenome(2, 60, 8, 2, true)).heads()).isEqualTo(4);
        assertThat(space.repair(new ArchitectureGenome(2, 64, 8, 2, true)).heads()).isEqualTo(8);
        var oversized = new ArchitectureGenome(6, 256, 4, 4, false);
        var repaired = SPACE.repair(oversized);
        assertThat(SPACE.parameters(oversized)).isGreaterThan(1_000_000);
        assertThat(SPACE.parameters(repaired)).isLessThanOrEqualTo(1_000_000);
        assertThat(repaired.dModel()).isEqualTo(256);   // blocks go first
        assertThat(repaired.layers()).isLessThan(6);
    }

    @Test
    void aCapBelowTheSmallestModelOrHeadsDividingNothingAreRefused() {
        assertThatThrownBy(() -> ArchitectureSpace.defaults(272, 64, 1000)).hasMessageStartingWith("parameter_cap");
        assertThatThrownBy(() -> new ArchitectureSpace(List.of(1), List.of(30), List.of(4, 8), List.of(2), List.of(true), 100, 16, 1_000_000))
                .hasMessageStartingWith("heads");
    }

    @Test
    void aGenomeSurvivesAJsonRoundTripWithSnakeCaseNames() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var genome = new ArchitectureGenome(3, 192, 4, 3, false);
        String json = mapper.writeValueAsString(genome);
        assertThat(json).contains("\"d_model\":192").contains("\"ffn_mult\":3").contains("\"tied_head\":false");
        assertThat(mapper.readValue(json, ArchitectureGenome.class)).isEqualTo(genome);
    }

    @Test
    void aGenomeMapsToItsTransformerConfig() {
        var config = SPACE.config(new ArchitectureGenome(3, 192, 4, 3, false));
        assertThat(config).isEqualTo(new TransformerConfig(272, 64, 3, 192, 4, 576, false));
    }
}
