package io.agentforge.launcher;

import io.agentforge.launcher.config.AgentForgeConfig;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The browser origins allowed to open the WebSocket service's {@code /ws}: the dashboard's. It is served by the API
 * on another port, which makes it another origin, and Helidon refuses a cross-origin handshake unless the origin is
 * listed. With the API in this process: its port on every name and address of this host (localhost, the host name,
 * each interface's address). Always: the {@code CORS_ORIGINS} entries, which is where a distributed deployment lists
 * the address its users open the dashboard at.
 */
final class DashboardOrigins {
    private DashboardOrigins() {
    }

    /** @param apiPort the API's port when it runs in this process, 0 when it does not (or is not known yet) */
    static Set<String> of(AgentForgeConfig config, int apiPort) {
        var origins = new LinkedHashSet<String>();
        config.api().corsOrigins().stream().filter(origin -> !origin.equals("*")).forEach(origins::add);
        if (apiPort > 0) {
            for (var host : hostNames()) {
                origins.add("http://" + host + ":" + apiPort);
            }
        }
        return origins;
    }

    private static Set<String> hostNames() {
        var names = new LinkedHashSet<String>();
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("[::1]");
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            // a host without a resolvable name is reached by its addresses
        }
        try {
            for (var network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (var address : Collections.list(network.getInetAddresses())) {
                    var text = address.getHostAddress().replaceAll("%.*$", "");
                    names.add(text.contains(":") ? "[" + text + "]" : text);
                }
            }
        } catch (SocketException e) {
            // no interfaces listed: the names above remain
        }
        return names;
    }
}
