package io.agentforge.contracts;

import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.TaskStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationTest {

    @Test
    void unknownPhaseNamesTheFieldAndTheAcceptedSpellings() {
        assertThatThrownBy(() -> ModelPhase.parse("cognat"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("phase")
                .hasMessageContaining("forge-training")
                .hasMessageContaining("\"cognat\"");
    }

    @Test
    void unknownStatusIsRejected() {
        assertThatThrownBy(() -> TaskStatus.parse("done"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("status");
    }

    @Test
    void pageLimitsAreChecked() {
        assertThatThrownBy(() -> new PageRequest(-1, 10)).hasMessageContaining("offset");
        assertThatThrownBy(() -> new PageRequest(0, 0)).hasMessageContaining("limit");
        assertThatThrownBy(() -> new PageRequest(0, PageRequest.MAX_LIMIT + 1)).hasMessageContaining("limit");
    }
}
