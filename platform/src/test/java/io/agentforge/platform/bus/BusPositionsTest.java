package io.agentforge.platform.bus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusPositionsTest {
    @Test
    void positionsCompareAsNumbersNotStrings() {
        assertThat(BusPositions.compare("9", "10")).isNegative();
        assertThat(BusPositions.compare("1764170000000-10", "1764170000000-9")).isPositive();
        assertThat(BusPositions.compare("1764170000001-0", "1764170000000-99")).isPositive();
        assertThat(BusPositions.compare("7-1", "7-1")).isZero();
        assertThatThrownBy(() -> BusPositions.compare("abc", "1")).isInstanceOf(IllegalArgumentException.class);
    }
}
