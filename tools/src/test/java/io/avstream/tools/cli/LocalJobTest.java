package io.avstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The local job's wiring, without running it (nothing starts until execute). */
class LocalJobTest {

    private static JobConfig config() {
        return JobConfig.fromMap(Map.of(JobOptions.BOOTSTRAP_SERVERS.key(), "127.0.0.1:9"));
    }

    @Test
    void laysOutTheJobsGraphOnAConfiguredEnvironment() {
        LocalJob job = LocalJob.builder().setConfig(config()).optParallelism(3).build();

        assertThat(job.env().getParallelism()).isEqualTo(3);
        List<String> operators = new ArrayList<>();
        for (StreamNode n : job.env().getStreamGraph(false).getStreamNodes()) {
            operators.add(n.getOperatorName());
        }
        assertThat(operators).isNotEmpty();
        assertThat(String.join(" ", operators).toLowerCase()).contains("inference");
    }

    @Test
    void laysOutAnotherGraphOnTheSameIo() {
        List<String> seen = new ArrayList<>();
        LocalJob.builder().setConfig(config()).optGraph((env, conf, io) -> {
            seen.add(conf.get(JobOptions.BOOTSTRAP_SERVERS));
            assertThat(io).isNotNull();
        }).build();

        assertThat(seen).containsExactly("127.0.0.1:9");
    }

    @Test
    void refusesMissingOrImpossibleSettings() {
        assertThatThrownBy(() -> LocalJob.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a job configuration is required: call setConfig(JobConfig)");
        assertThatThrownBy(() -> LocalJob.builder().setConfig(config()).optParallelism(0).build())
                .hasMessage("parallelism must be at least 1, got 0");
    }
}
