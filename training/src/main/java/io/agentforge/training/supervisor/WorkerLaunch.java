package io.agentforge.training.supervisor;

import io.agentforge.platform.config.LogFormat;
import io.agentforge.training.worker.WorkerMain;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How worker JVMs are started: the same Java and class path as this process, offline DJL, and PyTorch thread
 * counts chosen so that {@code maxConcurrentJobs} workers together use about the machine's cores.
 *
 * @param threadsPerWorker PyTorch intra-op threads per worker (inter-op is always 1: it cut step-time outliers)
 * @param heapMegabytes    the worker's Java heap; tensors live off-heap, so this stays small
 * @param niceness         the workers' scheduling priority below this process (0 for none): training is batch work,
 *                         and the service's own requests (health checks, job queries) must not queue behind it
 * @param mainClass        the worker's entry point: {@link WorkerMain}, or a test's that adds a runner first
 */
public record WorkerLaunch(Path javaExecutable, String classPath, int threadsPerWorker, int heapMegabytes,
                           int niceness, List<String> extraJvmOptions, String mainClass) {

    public WorkerLaunch(Path javaExecutable, String classPath, int threadsPerWorker, int heapMegabytes, int niceness,
                        List<String> extraJvmOptions) {
        this(javaExecutable, classPath, threadsPerWorker, heapMegabytes, niceness, extraJvmOptions,
                WorkerMain.class.getName());
    }

    public WorkerLaunch withMainClass(String className) {
        return new WorkerLaunch(javaExecutable, classPath, threadsPerWorker, heapMegabytes, niceness, extraJvmOptions,
                className);
    }

    public WorkerLaunch {
        extraJvmOptions = List.copyOf(extraJvmOptions);
        if (threadsPerWorker < 1) {
            throw new IllegalArgumentException("threadsPerWorker must be >= 1, got " + threadsPerWorker);
        }
    }

    static final int DEFAULT_NICENESS = 19;
    private static final Path NICE = Path.of("/usr/bin/nice");

    /** Workers like this JVM, sharing {@code cores} among {@code maxConcurrentJobs} of them. */
    public static WorkerLaunch forConcurrentJobs(int maxConcurrentJobs, int cores) {
        var java = Path.of(System.getProperty("java.home"), "bin", "java");
        int threads = Math.max(1, cores / Math.max(1, maxConcurrentJobs));
        return new WorkerLaunch(java, absoluteClassPath(System.getProperty("java.class.path")), threads, 512,
                DEFAULT_NICENESS, List.of());
    }

    /** Workers run in their job directory, so a relative entry (e.g. {@code -jar launcher/target/x.jar}) would miss. */
    static String absoluteClassPath(String classPath) {
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    public static WorkerLaunch forConcurrentJobs(int maxConcurrentJobs) {
        return forConcurrentJobs(maxConcurrentJobs, Runtime.getRuntime().availableProcessors());
    }

    List<String> command(Path specFile) {
        var command = new ArrayList<String>();
        if (niceness > 0 && Files.isExecutable(NICE)) {
            command.addAll(List.of(NICE.toString(), "-n", Integer.toString(niceness)));
        }
        command.add(javaExecutable.toString());
        command.add("-cp");
        command.add(classPath);
        command.add("-Xmx" + heapMegabytes + "m");
        // Serial GC: a worker's heap is small and its cores are for tensors, not for collector threads.
        command.add("-XX:+UseSerialGC");
        command.add("-Dai.djl.offline=true");
        command.add("-Dai.djl.pytorch.num_threads=" + threadsPerWorker);
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(extraJvmOptions);
        command.add(mainClass);
        command.add(specFile.toString());
        return command;
    }

    /**
     * Also caps the OpenMP/MKL pools, which PyTorch may size from the core count before reading its property. The
     * worker logs text whatever the service's {@code LOG_FORMAT}: its log is a file whose last lines a failed job's
     * error message quotes to people, not a stream a log collector reads.
     */
    void environment(Map<String, String> environment) {
        environment.put("OMP_NUM_THREADS", Integer.toString(threadsPerWorker));
        environment.put("MKL_NUM_THREADS", Integer.toString(threadsPerWorker));
        environment.put(LogFormat.VARIABLE, LogFormat.TEXT.id());
    }
}
