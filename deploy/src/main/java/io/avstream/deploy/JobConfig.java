package io.avstream.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.avstream.deploy.pipeline.Pipeline;
import io.avstream.deploy.pipeline.Pipelines;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.Configuration;

/**
 * The job's configuration from {@code --key value} arguments: {@code avstream.*} keys are typed
 * {@link JobOptions} and the registered pipelines' options (unknown ones are refused; the keys an option
 * had before its pipeline's prefix are still accepted), {@code kafka.*} keys are Kafka client properties
 * passed to every client untouched. {@link #describe()} prints it with secrets masked.
 */
public final class JobConfig {
    private static final String KAFKA_PREFIX = "kafka.";

    private final Configuration flink;
    private final Properties kafka;

    public JobConfig(Configuration flink, Properties kafka) {
        this.flink = flink;
        this.kafka = kafka;
    }

    /** Parses {@code --key value} pairs. */
    public static JobConfig fromArgs(String[] args) {
        Map<String, String> pairs = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected --key value, got '" + a + "'");
            }
            String k = a.substring(2);
            int eq = k.indexOf('=');
            if (eq > 0) {
                pairs.put(k.substring(0, eq), k.substring(eq + 1));
            } else if (i + 1 < args.length) {
                pairs.put(k, args[++i]);
            } else {
                throw new IllegalArgumentException("missing value for --" + k);
            }
        }
        return fromMap(pairs);
    }

    /** Builds the configuration from key/value pairs. */
    public static JobConfig fromMap(Map<String, String> pairs) {
        Map<String, ConfigOption<?>> known = options();
        Map<String, ConfigOption<?>> fallback = fallbackKeys();
        Configuration conf = new Configuration();
        Properties kafka = new Properties();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(KAFKA_PREFIX)) {
                kafka.setProperty(k.substring(KAFKA_PREFIX.length()), e.getValue());
            } else if (known.containsKey(k) || fallback.containsKey(k)) {
                conf.setString(k, e.getValue());
            } else {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + unknown + "; known: " + known.keySet()
                    + " and kafka.<client property>");
        }
        try {
            Pipelines.named(conf.get(JobOptions.PIPELINES));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("bad value for --" + JobOptions.PIPELINES.key() + ": " + ex.getMessage(), ex);
        }
        // read every option once so that a malformed value fails here, not inside the job
        for (ConfigOption<?> o : known.values()) {
            try {
                conf.get(o);
            } catch (RuntimeException ex) {
                String given = pairs.containsKey(o.key()) ? o.key() : fallback.entrySet().stream()
                        .filter(f -> f.getValue() == o && pairs.containsKey(f.getKey())).map(Map.Entry::getKey)
                        .findFirst().orElse(o.key());
                throw new IllegalArgumentException("bad value '" + pairs.get(given) + "' for --" + given + ": " + ex.getMessage(), ex);
            }
        }
        return new JobConfig(conf, kafka);
    }

    /** Every option by key: {@link JobOptions} and each registered pipeline's options class. */
    static Map<String, ConfigOption<?>> options() {
        Map<String, ConfigOption<?>> m = new TreeMap<>();
        addOptions(m, JobOptions.class);
        for (Pipeline p : Pipelines.all().values()) {
            addOptions(m, p.optionsClass());
        }
        return m;
    }

    /** Keys that an option also answers to (its keys from before pipelines had their own prefix), each with its option. */
    static Map<String, ConfigOption<?>> fallbackKeys() {
        Map<String, ConfigOption<?>> m = new TreeMap<>();
        for (ConfigOption<?> o : options().values()) {
            for (FallbackKey k : o.fallbackKeys()) {
                m.put(k.getKey(), o);
            }
        }
        return m;
    }

    private static void addOptions(Map<String, ConfigOption<?>> m, Class<?> holder) {
        for (Field f : holder.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                    if (m.put(o.key(), o) != null) {
                        throw new IllegalStateException("option " + o.key() + " is declared twice");
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    public Configuration flink() {
        return flink;
    }

    public Properties kafkaProperties() {
        return kafka;
    }

    /** One line per setting, secrets masked, for logs and the CLI. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ConfigOption<?> o : options().values()) {
            Object v = flink.get(o);
            sb.append("  ").append(o.key()).append(" = ").append(v == null ? "" : mask(o.key(), v.toString())).append('\n');
        }
        new TreeMap<>(kafka).forEach((k, v) -> sb.append("  kafka.").append(k).append(" = ").append(mask(k.toString(), v.toString())).append('\n'));
        return sb.toString();
    }

    /** Masks values of keys that hold secrets (passwords, keys, JAAS configs, tokens). */
    public static String mask(String key, String value) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("token")
                || k.endsWith(".key") || k.contains("credentials")) {
            return "******";
        }
        return value;
    }
}
