package io.avstream.tools.cli;

import io.avstream.deploy.AvstreamJob;
import io.avstream.deploy.JobConfig;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The avstream job on an in-process Flink MiniCluster, as the command-line tools and the tests run it:
 * a local environment ({@link LocalStack#flinkConfiguration} unless given another), configured by
 * {@link AvstreamJob#configureEnvironment}, the Kafka IO of {@link AvstreamJob#kafkaIo} and the graph of
 * {@link AvstreamJob#build} (or another graph on the same IO) laid out on it.
 *
 * <pre>{@code
 * LocalJob job = LocalJob.builder().setConfig(JobConfig.fromMap(settings)).optParallelism(2).build();
 * JobClient client = job.executeAsync("avstream-demo");   // or job.execute(name), e.g. for a bounded input
 * }</pre>
 */
public final class LocalJob {

    /** Lays out a job's graph on an environment from the job's configuration and its Kafka IO. */
    @FunctionalInterface
    public interface Graph {
        void build(StreamExecutionEnvironment env, Configuration conf, AvstreamJob.Io io);
    }

    private final StreamExecutionEnvironment env;

    private LocalJob(StreamExecutionEnvironment env) {
        this.env = env;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The environment the graph is laid out on. */
    public StreamExecutionEnvironment env() {
        return env;
    }

    /** Runs the job until it ends (a bounded input) and returns its result. */
    public JobExecutionResult execute(String name) throws Exception {
        return env.execute(name);
    }

    /**
     * Runs the job until it ends on a MiniCluster that is already running and stays up afterwards (bench
     * submits its jobs one after another to one cluster, as to a real one, instead of starting a cluster
     * per job) and returns its result.
     */
    public JobExecutionResult execute(String name, MiniCluster cluster) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        JobGraph job = graph.getJobGraph();
        cluster.submitJob(job).get();
        return cluster.requestJobResult(job.getJobID()).get().toJobExecutionResult(LocalJob.class.getClassLoader());
    }

    /** Submits the job and returns at once. */
    public JobClient executeAsync(String name) throws Exception {
        return env.executeAsync(name);
    }

    /** Builder; {@code set*} required, {@code opt*} optional. */
    public static final class Builder {
        private JobConfig config;
        private int parallelism = 2;
        private Configuration flink;
        private Graph graph = AvstreamJob::build;

        /** The job's options ({@code avstream.*}) and Kafka client properties. */
        public Builder setConfig(JobConfig config) {
            this.config = config;
            return this;
        }

        /** Parallelism of the job and task slots of the MiniCluster (default 2). */
        public Builder optParallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /** The MiniCluster's Flink configuration (default {@link LocalStack#flinkConfiguration} with a slot per parallel task). */
        public Builder optFlinkConfiguration(Configuration flink) {
            this.flink = flink;
            return this;
        }

        /** Another graph on the job's environment and Kafka IO (default {@link AvstreamJob#build}). */
        public Builder optGraph(Graph graph) {
            this.graph = graph;
            return this;
        }

        /** Creates the environment, configures it and lays out the graph. */
        public LocalJob build() {
            if (config == null) {
                throw new IllegalArgumentException("a job configuration is required: call setConfig(JobConfig)");
            }
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
            }
            if (graph == null) {
                throw new IllegalArgumentException("graph must not be null");
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                    flink != null ? flink : LocalStack.flinkConfiguration(parallelism));
            AvstreamJob.configureEnvironment(env, config.flink());
            graph.build(env, config.flink(), AvstreamJob.kafkaIo(config.flink(), config.kafkaProperties()));
            return new LocalJob(env);
        }
    }
}
