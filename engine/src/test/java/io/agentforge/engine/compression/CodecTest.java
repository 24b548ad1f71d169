package io.agentforge.engine.compression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecTest {

    private static final int[] LENGTHS = {1, 2, 4, 5, 6, 9, 63, 64, 65, 127, 1000, 1001};

    @Test
    void ternaryRoundTripsBitExactlyAtFiveTritsPerByte() {
        var random = new Random(1);
        for (int n : LENGTHS) {
            for (float[] values : new float[][] {ternary(random, n, 0.0173f), filled(n, 0f), filled(n, -1f), filled(n, 2.5f)}) {
                var streams = Codec.TERNARY_BASE3.encode(values, 1, ScaleType.FP32, 0);
                assertThat(streams.get(Codec.VALUES)).hasSize((n + 4) / 5);
                for (byte b : streams.get(Codec.VALUES)) {
                    assertThat(b & 0xFF).isLessThan(243);
                }
                assertThat(bits(Codec.TERNARY_BASE3.decode(streams, n, 1, ScaleType.FP32, 0))).as("n=%d", n).containsExactly(bits(values));
            }
        }
    }

    @Test
    void ternaryRefusesATensorWithMoreThanThreeValues() {
        assertThatThrownBy(() -> Codec.TERNARY_BASE3.encode(new float[] {0f, 1f, -1f, 0.5f}, 1, ScaleType.FP32, 0))
                .hasMessageContaining("ternary_base3");
        assertThatThrownBy(() -> Codec.TERNARY_BASE3.encode(new float[] {1f, -2f}, 1, ScaleType.FP32, 0))
                .hasMessageContaining("ternary_base3");
        assertThat(Codec.isTernary(new float[] {0f, -0f, 3f, -3f})).isTrue();
        assertThat(Codec.isTernary(new float[] {3f, -3.0000002f})).isFalse();
    }

    @Test
    void ternaryDecoderRejectsBytesNoEncoderWrites() {
        var streams = Codec.TERNARY_BASE3.encode(filled(7, 1f), 1, ScaleType.FP32, 0);
        byte[] values = streams.get(Codec.VALUES);
        values[0] = (byte) 243;
        assertThatThrownBy(() -> Codec.TERNARY_BASE3.decode(streams, 7, 1, ScaleType.FP32, 0)).hasMessageContaining("243");
        values[0] = 0;
        values[1] = (byte) (values[1] + 27); // a third trit in a byte that holds only two elements
        assertThatThrownBy(() -> Codec.TERNARY_BASE3.decode(streams, 7, 1, ScaleType.FP32, 0)).hasMessageContaining("padding");
        assertThatThrownBy(() -> Codec.TERNARY_BASE3.decode(streams, 12, 1, ScaleType.FP32, 0)).hasMessageContaining("bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT8_ROWS", "INT4_GROUPS"})
    void quantizingCodecsAreExactOnTheirGridAndTheirOutputIsAFixedPoint(Codec codec) {
        var random = new Random(2);
        int max = codec == Codec.INT8_ROWS ? 127 : 7;
        for (int n : LENGTHS) {
            int rows = n % 3 == 0 ? 3 : 1;
            int block = codec == Codec.INT8_ROWS ? n / rows : 16;
            // Values on the grid: each block's largest |q| is max, so absmax / max gives its scale back exactly.
            float[] grid = new float[n];
            for (int from = 0; from < n; from += block) {
                float scale = Float.float16ToFloat(Float.floatToFloat16((float) (0.001 + random.nextDouble())));
                int to = Math.min(n, from + block);
                for (int i = from; i < to; i++) {
                    grid[i] = (random.nextInt(2 * max + 1) - max) * scale;
                }
                grid[from + random.nextInt(to - from)] = (random.nextBoolean() ? max : -max) * scale;
            }
            assertThat(bits(roundTrip(codec, grid, rows))).as("grid n=%d", n).containsExactly(bits(grid));
            for (float[] values : new float[][] {gaussian(random, n), filled(n, 0f), filled(n, -1f)}) {
                float[] once = roundTrip(codec, values, rows);
                assertThat(bits(roundTrip(codec, once, rows))).as("fixed point n=%d", n).containsExactly(bits(once));
            }
        }
    }

    @Test
    void int8RowsIsWithinHalfAStepOfEachRowsScale() {
        var random = new Random(3);
        float[] values = gaussian(random, 40 * 24);
        for (int i = 0; i < 24; i++) {
            values[5 * 24 + i] *= 100; // one row on a much larger scale than the rest
        }
        float[] decoded = roundTrip(Codec.INT8_ROWS, values, 40);
        for (int r = 0; r < 40; r++) {
            float absMax = 0;
            for (int i = 0; i < 24; i++) {
                absMax = Math.max(absMax, Math.abs(values[r * 24 + i]));
            }
            float step = Float.float16ToFloat(Float.floatToFloat16(absMax / 127));
            for (int i = 0; i < 24; i++) {
                assertThat(Math.abs(decoded[r * 24 + i] - values[r * 24 + i])).isLessThanOrEqualTo(step * 0.5f * 1.001f);
            }
        }
    }

    @Test
    void int4PacksTwoPerByteAndRejectsANibbleOutsideItsRange() {
        float[] values = gaussian(new Random(4), 131);
        var streams = Codec.INT4_GROUPS.encode(values, 1, ScaleType.FP16, 64);
        assertThat(streams.get(Codec.VALUES)).hasSize(66);
        assertThat(streams.get(Codec.SCALES)).hasSize(3 * 2);
        streams.get(Codec.VALUES)[3] = 0; // nibble 0 would be -8
        assertThatThrownBy(() -> Codec.INT4_GROUPS.decode(streams, 131, 1, ScaleType.FP16, 64)).hasMessageContaining("outside");
    }

    @Test
    void floatCodecsRoundTripBitExactly() {
        var random = new Random(5);
        for (int n : LENGTHS) {
            float[] halves = new float[n];
            for (int i = 0; i < n; i++) {
                float h;
                do {
                    h = Float.float16ToFloat((short) random.nextInt(1 << 16));
                } while (!Float.isFinite(h));
                halves[i] = h;
            }
            halves[0] = -0f;
            assertThat(bits(roundTrip(Codec.FP16, halves, 1))).containsExactly(bits(halves));
            float[] floats = gaussian(random, n);
            floats[n - 1] = n % 2 == 0 ? Float.MIN_VALUE : -Float.MAX_VALUE;
            assertThat(bits(roundTrip(Codec.FP32, floats, 1))).containsExactly(bits(floats));
            assertThat(bits(roundTrip(Codec.FP16, filled(n, -1f), 1))).containsExactly(bits(filled(n, -1f)));
        }
    }

    @Test
    void refusesNonFiniteValuesAndScalesThatDoNotFit() {
        assertThatThrownBy(() -> Codec.FP16.encode(new float[] {1f, Float.NaN}, 1, null, 0)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Codec.INT8_ROWS.encode(new float[] {1e8f, 1f}, 1, ScaleType.FP16, 0)).hasMessageContaining("fp32");
        assertThat(roundTrip(Codec.INT8_ROWS, new float[] {1e8f, 0f}, 1, ScaleType.FP32)).containsExactly(1e8f, 0f);
    }

    @Test
    void everyStreamCompressionRoundTripsAndTheSmallestNeverGrowsAStream() {
        var random = new Random(6);
        byte[] noise = new byte[5000];
        random.nextBytes(noise);
        byte[] skewed = new byte[5000];
        for (int i = 0; i < skewed.length; i++) {
            skewed[i] = (byte) (random.nextInt(10) < 8 ? 0 : random.nextInt(4));
        }
        for (byte[] raw : new byte[][] {noise, skewed, new byte[0], new byte[] {7}}) {
            for (StreamCompression c : StreamCompression.values()) {
                assertThat(c.decompress(c.compress(raw), raw.length)).containsExactly(raw);
            }
            var best = StreamCompression.smallest(raw);
            assertThat(best.bytes().length).isLessThanOrEqualTo(raw.length);
            assertThat(best.compression().decompress(best.bytes(), raw.length)).containsExactly(raw);
        }
        assertThat(StreamCompression.smallest(noise).compression()).isEqualTo(StreamCompression.NONE);
        assertThat(StreamCompression.smallest(skewed).bytes().length).isLessThan(skewed.length / 3);
        assertThatThrownBy(() -> StreamCompression.DEFLATE.decompress(StreamCompression.DEFLATE.compress(skewed), 4999))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] roundTrip(Codec codec, float[] values, int rows) {
        return roundTrip(codec, values, rows, ScaleType.FP16);
    }

    private static float[] roundTrip(Codec codec, float[] values, int rows, ScaleType scaleType) {
        Map<String, byte[]> streams = codec.encode(values, rows, scaleType, 16);
        return codec.decode(streams, values.length, rows, scaleType, 16);
    }

    private static float[] ternary(Random random, int n, float gamma) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (random.nextInt(3) - 1) * gamma + 0f;
        }
        return values;
    }

    private static float[] gaussian(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian() * 0.05f;
        }
        return values;
    }

    private static float[] filled(int n, float value) {
        float[] values = new float[n];
        Arrays.fill(values, value);
        return values;
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
