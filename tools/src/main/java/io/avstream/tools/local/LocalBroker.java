package io.avstream.tools.local;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka broker on loopback that a tool started: in this JVM ({@link EmbeddedKafka}) or as a
 * process of its own ({@link BrokerProcess}, whose CPU time is then not this process's).
 */
public interface LocalBroker extends AutoCloseable {

    /** The {@code bootstrap.servers} value for clients. */
    String bootstrapServers();

    /** Creates a topic with the given partitions (replication factor 1); an existing topic is left as it is. */
    default void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic with topic-level configuration (e.g. {@code cleanup.policy=compact}). */
    default void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin(bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    /** Sets topic-level configuration of an existing topic (e.g. {@code cleanup.policy=compact}). */
    default void setTopicConfig(String name, Map<String, String> configs) {
        try (Admin admin = admin(bootstrapServers())) {
            org.apache.kafka.common.config.ConfigResource topic = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name);
            List<org.apache.kafka.clients.admin.AlterConfigOp> ops = new java.util.ArrayList<>();
            configs.forEach((k, v) -> ops.add(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry(k, v), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)));
            admin.incrementalAlterConfigs(Map.of(topic, ops)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot configure topic " + name, e);
        }
    }

    /** The names of the topics that exist now. */
    default Set<String> topics() {
        try (Admin admin = admin(bootstrapServers())) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics", e);
        }
    }

    /** An admin client of the broker at {@code bootstrapServers}; the caller closes it. */
    static Admin admin(String bootstrapServers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(p);
    }

    /** Stops the broker and removes what it wrote, unless it was started to keep its log. */
    @Override
    void close();
}
