package io.agentforge.engine.tools;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Exact arithmetic over a small grammar, parsed by recursive descent and evaluated with {@link BigDecimal}:
 * <pre>
 *   expression := term (('+' | '-') term)*
 *   term       := factor (('*' | 'x' | '×' | '/' | '÷') factor)*
 *   factor     := ('+' | '-') factor | number | '(' expression ')'
 *   number     := digit+ ('.' digit+)?
 * </pre>
 * with spaces allowed between tokens. Nothing else is accepted: no names, exponents, functions or calls, so
 * {@code System.exit(0)} or {@code 1e9999} is an error, never code. Caps: {@value #MAX_LENGTH} characters,
 * {@value #MAX_DEPTH} levels of nesting (parentheses and signs), {@value #MAX_DIGITS} digits per number and
 * {@value #MAX_RESULT_DIGITS} significant digits in any intermediate value.
 *
 * <p>Division is exact when the quotient terminates (1/8 = 0.125); otherwise it is rounded half-even to
 * {@value #DIVISION_SCALE} decimal places (2/3 = 0.6666666667). Results are written without exponent and without
 * trailing zeros ({@code 2.50} → {@code 2.5}, {@code 1.0} → {@code 1}).
 */
public final class Calculator implements ToolRuntime {

    public static final int MAX_LENGTH = 200;
    public static final int MAX_DEPTH = 16;
    public static final int MAX_DIGITS = 30;
    public static final int MAX_RESULT_DIGITS = 120;
    public static final int DIVISION_SCALE = 10;

    @Override
    public ToolResult call(String callText) {
        return evaluate(callText);
    }

    public static ToolResult evaluate(String expression) {
        if (expression == null) {
            return ToolResult.error("no expression");
        }
        if (expression.length() > MAX_LENGTH) {
            return ToolResult.error("longer than " + MAX_LENGTH + " characters");
        }
        try {
            var parser = new Parser(expression);
            BigDecimal value = parser.expression(0);
            parser.skipSpaces();
            if (!parser.atEnd()) {
                throw new Refusal("unexpected '" + parser.peek() + "' at " + parser.position);
            }
            return ToolResult.value(format(value));
        } catch (Refusal e) {
            return ToolResult.error(e.getMessage());
        } catch (ArithmeticException e) {
            return ToolResult.error("arithmetic: " + e.getMessage());
        } catch (RuntimeException e) {
            // The grammar should leave nothing else; still, a call never fails the caller.
            return ToolResult.error("unexpected: " + e);
        }
    }

    /** The canonical text of a value: plain digits, no trailing zeros, no negative zero. */
    public static String format(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        return value.stripTrailingZeros().toPlainString();
    }

    private static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        BigDecimal expression(int depth) {
            BigDecimal value = term(depth);
            while (true) {
                skipSpaces();
                if (accept('+')) {
                    value = checked(value.add(term(depth)));
                } else if (accept('-')) {
                    value = checked(value.subtract(term(depth)));
                } else {
                    return value;
                }
            }
        }

        private BigDecimal term(int depth) {
            BigDecimal value = factor(depth);
            while (true) {
                skipSpaces();
                if (accept('*') || accept('x') || accept('×')) {
                    value = checked(value.multiply(factor(depth)));
                } else if (accept('/') || accept('÷')) {
                    value = divide(value, factor(depth));
                } else {
                    return value;
                }
            }
        }

        private BigDecimal factor(int depth) {
            if (depth >= MAX_DEPTH) {
                throw new Refusal("nested deeper than " + MAX_DEPTH);
            }
            skipSpaces();
            if (accept('-')) {
                return factor(depth + 1).negate();
            }
            if (accept('+')) {
                return factor(depth + 1);
            }
            if (accept('(')) {
                BigDecimal value = expression(depth + 1);
                skipSpaces();
                if (!accept(')')) {
                    throw new Refusal(atEnd() ? "unclosed '('" : "expected ')' at " + position);
                }
                return value;
            }
            return number();
        }

        private BigDecimal number() {
            int start = position;
            int digits = digits();
            if (digits == 0) {
                throw new Refusal(atEnd() ? "expression ends early" : "unexpected '" + peek() + "' at " + position);
            }
            if (accept('.')) {
                int fraction = digits();
                if (fraction == 0) {
                    throw new Refusal("a decimal point needs digits after it, at " + position);
                }
                digits += fraction;
            }
            if (digits > MAX_DIGITS) {
                throw new Refusal("a number longer than " + MAX_DIGITS + " digits");
            }
            return new BigDecimal(text.substring(start, position));
        }

        private int digits() {
            int count = 0;
            while (!atEnd() && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
                position++;
                count++;
            }
            return count;
        }

        private static BigDecimal divide(BigDecimal dividend, BigDecimal divisor) {
            if (divisor.signum() == 0) {
                throw new Refusal("division by zero");
            }
            try {
                return checked(dividend.divide(divisor, MathContext.UNLIMITED));
            } catch (ArithmeticException nonTerminating) {
                return checked(dividend.divide(divisor, DIVISION_SCALE, RoundingMode.HALF_EVEN));
            }
        }

        private static BigDecimal checked(BigDecimal value) {
            if (value.precision() > MAX_RESULT_DIGITS) {
                throw new Refusal("a value of more than " + MAX_RESULT_DIGITS + " digits");
            }
            return value;
        }

        boolean accept(char c) {
            if (!atEnd() && text.charAt(position) == c) {
                position++;
                return true;
            }
            return false;
        }

        void skipSpaces() {
            while (!atEnd() && text.charAt(position) == ' ') {
                position++;
            }
        }

        boolean atEnd() {
            return position >= text.length();
        }

        char peek() {
            return text.charAt(position);
        }
    }
}
