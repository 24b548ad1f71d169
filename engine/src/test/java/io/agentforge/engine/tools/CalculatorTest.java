package io.agentforge.engine.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CalculatorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "347*29 | 10063",
            "1234 + 8766 | 10000",
            "2 + 3 * 4 | 14",
            "(2 + 3) * 4 | 20",
            "10 - 4 - 3 | 3",
            "100 / 10 / 5 | 2",
            "7 x 6 | 42",
            "3x4 | 12",
            "7 × 6 ÷ 3 | 14",
            "-5 + 2 | -3",
            "-(3 - 10) | 7",
            "--4 | 4",
            "1/8 | 0.125",
            "2/3 | 0.6666666667",
            "-2/3 | -0.6666666667",
            "2.50 * 2 | 5",
            "0.1 + 0.2 | 0.3",
            "3.5 - 3.5 | 0",
            "0 * -1 | 0",
            " ( 12 ) | 12",
            "007 | 7"})
    void evaluatesExactly(String expression, String expected) {
        ToolResult result = Calculator.evaluate(expression);
        assertThat(result.error()).isNull();
        assertThat(result.output()).isEqualTo(expected);
    }

    @Test
    void bigProductsAreExact() {
        String a = "987654321987654321";
        String b = "123456789123456789123";
        assertThat(Calculator.evaluate(a + "*" + b).output()).isEqualTo(new BigInteger(a).multiply(new BigInteger(b)).toString());
        String thirty = "9".repeat(30);
        var cubed = new BigInteger(thirty).pow(3);
        assertThat(Calculator.evaluate(thirty + "*" + thirty + "*" + thirty).output()).isEqualTo(cubed.toString());
        assertThat(Calculator.evaluate("123456789.123456789 * 1000000000").output()).isEqualTo("123456789123456789");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "System.exit(0)", "1e9999", "1E5", "java.lang.Runtime.getRuntime()", "Math.pow(2,10)", "2^10", "2**3",
            "sqrt(4)", "", "   ", "1 +", "* 3", "(1 + 2", "1 + 2)", "1..2", "1.", ".5", "1,000", "3 % 2", "0b10",
            "1/0", "5 / (3 - 3)", "NaN", "Infinity", "1 2", "calc(2+2)", "２+２", "1+1;", "${7*7}", "\u0000", "+"})
    void refusesAnythingOutsideTheGrammarWithAnErrorResult(String expression) {
        ToolResult result = Calculator.evaluate(expression);
        assertThat(result.ok()).as(expression).isFalse();
        assertThat(result.output()).isEqualTo(ToolResult.ERROR_OUTPUT);
        assertThat(result.error()).isNotBlank();
    }

    @Test
    void refusesInputOverItsCaps() {
        assertThat(Calculator.evaluate("1+".repeat(100) + "1").error()).contains("longer than 200");
        assertThat(Calculator.evaluate("(".repeat(20) + "1" + ")".repeat(20)).error()).contains("nested deeper");
        assertThat(Calculator.evaluate("-".repeat(40) + "1").error()).contains("nested deeper");
        assertThat(Calculator.evaluate("(".repeat(15) + "1" + ")".repeat(15)).output()).isEqualTo("1");
        assertThat(Calculator.evaluate("1".repeat(31)).error()).contains("30 digits");
        assertThat(Calculator.evaluate("1".repeat(30)).output()).isEqualTo("1".repeat(30));
        String big = "9".repeat(30);
        String fivefold = String.join("*", big, big, big, big, big);
        assertThat(Calculator.evaluate(fivefold).error()).contains("120 digits");
        assertThat(Calculator.evaluate(null).ok()).isFalse();
    }

    @Test
    void theRuntimeNeverThrows() {
        var calculator = new Calculator();
        var random = new java.util.Random(9);
        String alphabet = "0123456789+-*/x×÷(). eE,;a";
        for (int i = 0; i < 5000; i++) {
            var text = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ToolResult result = calculator.call(text.toString());
            assertThat(result.output()).isNotNull();
            assertThat(result.ok() == (result.error() == null)).isTrue();
        }
    }
}
