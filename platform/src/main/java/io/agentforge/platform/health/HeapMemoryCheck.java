package io.agentforge.platform.health;

import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.function.Supplier;

/**
 * The service's own JVM: degraded when the heap is nearly full, because a JVM there spends its time collecting
 * garbage and is about to fail with OutOfMemoryError. In the all-in-one start every service reports the same JVM.
 */
public final class HeapMemoryCheck implements Supplier<DependencyCheck> {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final double degradedAbove;

    /** @param degradedAbove the fraction (0..1) of the maximum heap in use above which the service is degraded */
    public HeapMemoryCheck(double degradedAbove) {
        if (degradedAbove < 0 || degradedAbove > 1) {
            throw new IllegalArgumentException("degradedAbove must be a fraction from 0 to 1, got " + degradedAbove);
        }
        this.degradedAbove = degradedAbove;
    }

    /** Degraded above 90% of the maximum heap. */
    public HeapMemoryCheck() {
        this(0.9);
    }

    @Override
    public DependencyCheck get() {
        var heap = memory.getHeapMemoryUsage();
        // Without -Xmx the maximum may be undefined (-1); what the JVM has committed is then the honest limit.
        var limit = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        var used = (double) heap.getUsed() / limit;
        var detail = "heap " + Bytes.readable(heap.getUsed()) + " of " + Bytes.readable(limit)
                + " (" + Math.round(used * 100) + "%)";
        return new DependencyCheck(used > degradedAbove ? ServiceStatus.DEGRADED : ServiceStatus.HEALTHY, 0, detail);
    }
}
