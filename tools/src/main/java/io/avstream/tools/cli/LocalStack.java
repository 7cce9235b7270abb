package io.avstream.tools.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/** Settings of the in-process Flink MiniCluster used by {@code demo}, {@code run}, {@code loadtest} and the tests. */
public final class LocalStack {
    private static Path checkpoints;

    private LocalStack() {}

    /**
     * A small, loopback-only MiniCluster configuration with {@code slots} task slots. Checkpoints go to files in a
     * temporary directory of this process (deleted when it exits), not to the JobManager's memory: that storage
     * refuses an operator's state over 5 MB, which audio streams reach at about ten (a stream's filterbank ring
     * is 0.5 MB, and each audio window waiting for inference is as large).
     */
    public static Configuration flinkConfiguration(int slots) {
        Configuration c = new Configuration();
        c.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        c.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        c.set(RestOptions.ADDRESS, "127.0.0.1");
        c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
        c.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        c.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirectory().toUri().toString());
        return c;
    }

    /** This process's checkpoint directory, made on first use and deleted with everything in it at exit. */
    static synchronized Path checkpointDirectory() {
        if (checkpoints == null) {
            try {
                checkpoints = Files.createTempDirectory("avstream-checkpoints");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path dir = checkpoints;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "delete-checkpoints"));
        }
        return checkpoints;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort at exit
        }
    }
}
