package io.avstream.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The job's configuration from {@code --key value} arguments: {@code avstream.*} keys are typed
 * {@link JobOptions} (unknown ones are refused), {@code kafka.*} keys are Kafka client properties
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
        Configuration conf = new Configuration();
        Properties kafka = new Properties();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(KAFKA_PREFIX)) {
                kafka.setProperty(k.substring(KAFKA_PREFIX.length()), e.getValue());
            } else if (known.containsKey(k)) {
                conf.setString(k, e.getValue());
            } else {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + unknown + "; known: " + known.keySet()
                    + " and kafka.<client property>");
        }
        // read every option once so that a malformed value fails here, not inside the job
        for (ConfigOption<?> o : known.values()) {
            try {
                conf.get(o);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException("bad value '" + pairs.get(o.key()) + "' for --" + o.key() + ": " + ex.getMessage(), ex);
            }
        }
        return new JobConfig(conf, kafka);
    }

    /** Every {@link JobOptions} option by key. */
    static Map<String, ConfigOption<?>> options() {
        Map<String, ConfigOption<?>> m = new TreeMap<>();
        for (Field f : JobOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                    m.put(o.key(), o);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return m;
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
