package io.agentforge.launcher.config;

import io.agentforge.platform.security.ApiKey;
import io.agentforge.platform.security.JwtSettings;
import io.agentforge.platform.security.Role;
import io.agentforge.platform.security.SecuritySettings;
import io.agentforge.platform.security.ServiceToken;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the security variables (where to listen, API keys, JWT keys, the service token) for the
 * {@link EnvironmentParser}, whose problem list it adds to. A secret is never echoed in a problem.
 */
final class SecurityVariables {
    private static final Pattern BIND_ADDRESS = Pattern.compile("[A-Za-z0-9.-]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final EnvironmentParser environment;

    SecurityVariables(EnvironmentParser environment) {
        this.environment = environment;
    }

    SecuritySettings parse(List<String> corsOrigins) {
        var hmac = secret(Variable.JWT_HS256_SECRET, 32, "bytes")
                .<JwtSettings.Key>map(text -> new JwtSettings.Hmac(text.getBytes(StandardCharsets.UTF_8)));
        var rsa = rsaPublicKey().<JwtSettings.Key>map(JwtSettings.Rsa::new);
        if (hmac.isPresent() && rsa.isPresent()) {
            environment.problem(Variable.JWT_RS256_PUBLIC_KEY, "either JWT_HS256_SECRET or JWT_RS256_PUBLIC_KEY, not both",
                    "both set");
        }
        var jwt = hmac.or(() -> rsa).map(key -> new JwtSettings(key, environment.raw(Variable.JWT_ISSUER),
                environment.raw(Variable.JWT_AUDIENCE)));
        var serviceToken = secret(Variable.SERVICE_TOKEN, ServiceToken.MINIMUM_LENGTH, "characters")
                .map(ServiceToken::new);
        return new SecuritySettings(bindAddress(), bool(Variable.AUTH_DISABLED), apiKeys(), jwt, serviceToken,
                corsOrigins);
    }

    private String bindAddress() {
        var text = environment.raw(Variable.BIND_ADDRESS).orElseThrow();
        if (!BIND_ADDRESS.matcher(text).matches()) {
            environment.problem(Variable.BIND_ADDRESS, "an IP address or host name such as 127.0.0.1 or 0.0.0.0", text);
            return SecuritySettings.LOOPBACK;
        }
        return text;
    }

    private boolean bool(Variable variable) {
        var text = environment.raw(variable).orElseThrow();
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> {
                environment.problem(variable, "true or false", text);
                yield false;
            }
        };
    }

    /** A secret value: checked for length, never echoed in a problem. */
    private Optional<String> secret(Variable variable, int minimum, String unit) {
        var text = environment.raw(variable);
        var length = text.map(value -> unit.equals("bytes") ? value.getBytes(StandardCharsets.UTF_8).length
                : value.length()).orElse(0);
        if (text.isPresent() && length < minimum) {
            environment.problem(variable, "a random secret of at least " + minimum + " " + unit, "(a secret of " + length
                    + " " + unit + ")");
            return Optional.empty();
        }
        return text;
    }

    private Optional<RSAPublicKey> rsaPublicKey() {
        var variable = Variable.JWT_RS256_PUBLIC_KEY;
        return environment.raw(variable).flatMap(text -> {
            // Compose and Kubernetes files often carry a PEM on one line with \n for its line breaks.
            var base64 = text.replace("\\n", "\n").replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                    .replaceAll("\\s", "");
            try {
                var key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
                        Base64.getDecoder().decode(base64)));
                return Optional.of((RSAPublicKey) key);
            } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
                environment.problem(variable, "an RSA public key in PEM (-----BEGIN PUBLIC KEY----- ...)",
                        "(" + text.length() + " characters that are not one)");
                return Optional.empty();
            }
        });
    }

    private List<ApiKey> apiKeys() {
        var variable = Variable.API_KEYS;
        var text = environment.raw(variable);
        if (text.isEmpty()) {
            return List.of();
        }
        var expected = "a JSON list of {\"name\": ..., \"role\": " + Role.userRoleChoices()
                + ", \"sha256\": <64 hex digits of the key's SHA-256>}";
        var json = EnvironmentParser.json(text.get());
        if (json == null || !json.isArray()) {
            environment.problem(variable, expected, "(" + text.get().length() + " characters that are not a JSON list)");
            return List.of();
        }
        var keys = new ArrayList<ApiKey>();
        var names = new HashSet<String>();
        for (int i = 0; i < json.size(); i++) {
            var entry = json.get(i);
            var name = entry.path("name").asText("").trim();
            var role = Role.parseUserRole(entry.path("role").asText(""));
            var hash = entry.path("sha256").asText("").trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || !names.add(name) || role.isEmpty() || !hash.matches("[0-9a-f]{64}")) {
                environment.problem(variable, expected + ", with distinct names", "entry " + i + " is not (name \"" + name
                        + "\", role \"" + entry.path("role").asText("") + "\")");
                return List.of();
            }
            keys.add(new ApiKey(name, role.get(), HexFormat.of().parseHex(hash)));
        }
        return keys;
    }
}
