package io.avstream.tools.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.avstream.tools.dataset.MocapDatasetExporter;
import io.avstream.tools.dataset.StmtParityVectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code export-dataset}: writes the labelled MoCap training set of synthetic actors (see
 * {@link MocapDatasetExporter}), or with {@code --parity} the reference vectors of the STMT
 * preprocessing (see {@link StmtParityVectors}).
 */
@Command(name = "export-dataset", mixinStandardHelpOptions = true,
        description = "Writes a labelled MoCap data set of synthetic actors (STMT vertex subset, quantised) for training, "
                + "or with --parity the STMT preprocessing reference vectors.")
public final class ExportDatasetCommand implements Callable<Integer> {

    /** Exactly one destination. */
    static final class Destination {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory of the data set.")
        Path out;

        @Option(names = "--parity", paramLabel = "DIR", required = true,
                description = "Write the preprocessing parity vectors here instead of a data set "
                        + "(committed under models/src/test/resources/parity/stmt).")
        Path parity;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Destination destination;

    @Option(names = "--train-actors", defaultValue = "28", description = "Training actors (default ${DEFAULT-VALUE}).")
    int trainActors;

    @Option(names = "--test-actors", defaultValue = "8", description = "Held-out actors (default ${DEFAULT-VALUE}).")
    int testActors;

    @Option(names = "--seconds", defaultValue = "60", description = "Seconds per actor, 25 fps (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--seed", defaultValue = "7", description = "Base seed of the actors' seeds (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (destination.parity != null) {
            long bytes = StmtParityVectors.write(destination.parity);
            System.out.printf(Locale.ROOT, "wrote STMT preprocessing parity vectors to %s (%.2f MB)%n", destination.parity, bytes / 1e6);
            return 0;
        }
        MocapDatasetExporter.Settings settings = new MocapDatasetExporter.Settings(trainActors, testActors, seconds, seed);
        MocapDatasetExporter exporter = new MocapDatasetExporter(settings);
        System.out.printf(Locale.ROOT, "exporting %d training + %d held-out actors x %s s to %s (about %.1f MB)...%n",
                trainActors, testActors, seconds, destination.out, exporter.expectedBinaryBytes() / 1e6);
        MocapDatasetExporter.Summary s = exporter.export(destination.out);
        System.out.printf(Locale.ROOT, "wrote %d training and %d held-out frames, %.1f MB (%.1f MiB), in %.1f s%n",
                s.trainFrames(), s.testFrames(), s.totalBytes() / 1e6, s.totalBytes() / 1048576.0, s.seconds());
        return 0;
    }
}
