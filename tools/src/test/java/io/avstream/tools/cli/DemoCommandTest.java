package io.avstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import io.avstream.tools.local.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code demo} on a Kafka port that another program holds, and with stream counts it cannot play. */
class DemoCommandTest {

    @Test
    void theEmbeddedBrokerOnAPortInUseSaysWhichPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.start(port, Map.of()).close())
                    .hasMessage("port " + port + " on 127.0.0.1 is in use");
        }
    }

    @Test
    void demoOnAKafkaPortInUseSaysSoInOneLineAndExitsNonZero() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            StringWriter err = new StringWriter();
            CommandLine demo = new CommandLine(new DemoCommand());
            demo.setErr(new PrintWriter(err, true));

            int exit = demo.execute("--kafka-port", String.valueOf(port), "--duration", "1s", "--quiet");

            assertThat(exit).isNotZero();
            assertThat(err.toString().lines().toList()).containsExactly(
                    "avstream demo: port " + port + " on 127.0.0.1 is in use: choose another --kafka-port, or 0 for any free port");
        }
    }

    @Test
    void demoWithoutAnyStreamOrWithANegativeCountSaysSoAndExitsNonZero() {
        for (String[] args : new String[][] {
                {"--streams", "0", "--audio-streams", "0", "--av-streams", "0", "--speech-streams", "0"},
                {"--av-streams", "-1"}}) {
            StringWriter err = new StringWriter();
            CommandLine demo = new CommandLine(new DemoCommand());
            demo.setErr(new PrintWriter(err, true));

            assertThat(demo.execute(args)).isNotZero();
            assertThat(err.toString().lines().toList()).containsExactly(
                    "avstream demo: stream counts must be 0 or more, and at least one stream of some kind is needed");
        }
    }
}
