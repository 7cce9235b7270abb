package io.avstream.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RunnableFuture;

import io.avstream.ingest.produce.MocapKafkaProducer;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.operators.action.StmtPreprocessing;
import io.avstream.operators.window.MocapWindow;
import io.avstream.operators.action.FrameReducer;
import io.avstream.operators.action.MocapWindower;
import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.VertexLayout;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.fs.CloseableRegistry;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.query.KvStateRegistry;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupedInternalPriorityQueue;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.LocalRecoveryConfig;
import org.apache.flink.runtime.state.SnapshotResult;
import org.apache.flink.runtime.state.UncompressedStreamCompressionDecorator;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackendBuilder;
import org.apache.flink.runtime.state.heap.HeapPriorityQueueSetFactory;
import org.apache.flink.runtime.state.memory.MemCheckpointStreamFactory;
import org.apache.flink.runtime.state.metrics.LatencyTrackingStateConfig;
import org.apache.flink.runtime.state.metrics.SizeTrackingStateConfig;
import org.apache.flink.runtime.state.ttl.TtlTimeProvider;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;
import org.apache.flink.streaming.api.operators.TimerSerializer;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Measures the keyed state of the job's {@link MocapWindower}: the real function, on Flink's heap
 * keyed state backend (the one {@code HashMapStateBackend} uses), fed {@code seconds} of synthetic
 * frames per stream. Reports the checkpoint size of that state (the backend's own snapshot,
 * serialized as Flink writes it) and the Java heap it takes (heap after a full GC, minus the heap
 * before feeding), both per stream.
 *
 * <pre>{@code
 * StateFootprint.Result r = StateFootprint.measure(stmt, 100, Duration.ofSeconds(2));
 * r.snapshotBytesPerStream(); r.heapBytesPerStream();
 * }</pre>
 */
public final class StateFootprint {
    private static final int KEY_GROUPS = 128;
    private static final long T0_US = 1_700_000_000_000_000L;

    /**
     * One measurement.
     *
     * @param streams             streams fed
     * @param framesPerStream     frames fed to each stream
     * @param bufferedFrames      frames held in state, all streams together
     * @param snapshotBytes       size of the backend's checkpoint of the windower's state (all streams)
     * @param heapBytes           heap taken by the state (all streams), after a full GC
     */
    public record Result(int streams, int framesPerStream, long bufferedFrames, long snapshotBytes, long heapBytes) {
        /** Checkpoint bytes per stream. */
        public double snapshotBytesPerStream() {
            return (double) snapshotBytes / streams;
        }

        /** Heap bytes per stream. */
        public double heapBytesPerStream() {
            return (double) heapBytes / streams;
        }

        /** Frames buffered per stream. */
        public double bufferedFramesPerStream() {
            return (double) bufferedFrames / streams;
        }
    }

    private StateFootprint() {}

    /** The window spec of the job's defaults (2 s every 1 s, 25 fps, 200 ms out of order). */
    public static WindowSpec defaultSpec(StmtPreprocessing stmt) {
        return WindowSpec.builder().optSpan(Duration.ofSeconds(2)).optHop(Duration.ofSeconds(1))
                .optFrames(stmt.frames()).optNominalFps(25).optMinCoverage(0.8)
                .optIdleTimeout(Duration.ofSeconds(10)).optOutOfOrderness(Duration.ofMillis(200)).build();
    }

    /**
     * Feeds {@code streams} streams with {@code span} of frames each (25 fps, stream-aligned so that no
     * window closes before the span is complete) and measures the windower's state.
     */
    public static Result measure(StmtPreprocessing stmt, int streams, Duration span) throws Exception {
        WindowSpec spec = defaultSpec(stmt);
        int framesPerStream = (int) (span.toMillis() / 40);
        // frames made in advance (one actor's motion; every stream gets its own objects as decoding would)
        SyntheticActor actor = new SyntheticActor("state-probe", 1L);
        List<ByteBuffer> vertices = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < framesPerStream; i++) {
            SyntheticActor.Frame f = actor.next();
            vertices.add(MocapKafkaProducer.encode(f.vertices()));
            labels.add(f.label());
        }
        gc();
        long before = usedHeap();
        Probe probe = new Probe(spec, stmt);
        try {
            for (int s = 0; s < streams; s++) {
                String stream = String.format("actor-%06d", s);
                for (int i = 0; i < framesPerStream; i++) {
                    MocapFrame frame = MocapFrame.newBuilder()
                            .setStreamId(stream).setSeq(i).setCaptureTimeUs(T0_US + i * 40_000L)
                            .setTopology(actor.topologyId()).setVertexCount(actor.vertexCount())
                            .setLayout(VertexLayout.XYZ_F32LE).setVertices(vertices.get(i).duplicate())
                            .setAnnotation(new String(labels.get(i))).build();
                    probe.feed(new Stamped<>(frame, T0_US / 1000 + i * 40L + 5));
                }
            }
            probe.dropInputs();
            gc();
            long heap = usedHeap() - before;
            long snapshot = probe.snapshotBytes();
            return new Result(streams, framesPerStream, probe.bufferedFrames(), snapshot, heap);
        } finally {
            probe.close();
        }
    }

    private static long usedHeap() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        return mx.getHeapMemoryUsage().getUsed();
    }

    private static void gc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The windower on a heap keyed state backend, with heap timer queues as Flink's timer service keeps them. */
    private static final class Probe implements AutoCloseable {
        private final MocapWindower windower;
        private final FrameReducer reducer;
        private final HeapKeyedStateBackend<String> backend;
        private final KeyGroupedInternalPriorityQueue<TimerHeapInternalTimer<String, VoidNamespace>> eventTimers;
        private final KeyGroupedInternalPriorityQueue<TimerHeapInternalTimer<String, VoidNamespace>> processingTimers;
        private final ExecutionConfig config = new ExecutionConfig();
        private final List<MocapWindow> emitted = new ArrayList<>();
        private MapState<Long, ?> frames;
        private KeyedContext context;

        Probe(WindowSpec spec, StmtPreprocessing stmt) throws Exception {
            KeyGroupRange range = KeyGroupRange.of(0, KEY_GROUPS - 1);
            backend = new HeapKeyedStateBackendBuilder<>(
                    new KvStateRegistry().createTaskRegistry(new JobID(), new JobVertexID()),
                    StringSerializer.INSTANCE, StateFootprint.class.getClassLoader(), KEY_GROUPS, range, config,
                    TtlTimeProvider.DEFAULT, LatencyTrackingStateConfig.disabled(), SizeTrackingStateConfig.disabled(),
                    Collections.emptyList(), UncompressedStreamCompressionDecorator.INSTANCE,
                    LocalRecoveryConfig.BACKUP_AND_RECOVERY_DISABLED,
                    new HeapPriorityQueueSetFactory(range, KEY_GROUPS, 128), true, new CloseableRegistry()).build();
            TimerSerializer<String, VoidNamespace> timers = new TimerSerializer<>(StringSerializer.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE);
            eventTimers = backend.create("_timer_state/event_user-timers", timers);
            processingTimers = backend.create("_timer_state/processing_user-timers", timers);
            reducer = new FrameReducer(stmt.preprocessor().subset(), stmt.topology().vertexCount());
            windower = new MocapWindower(spec);
            windower.setRuntimeContext(runtimeContext());
            windower.open(DefaultOpenContext.INSTANCE);
        }

        private RuntimeContext runtimeContext() {
            InvocationHandler h = (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getState":
                        if (args[0] instanceof ValueStateDescriptor<?> d) {
                            return state(d);
                        }
                        break;
                    case "getMapState":
                        if (args[0] instanceof MapStateDescriptor<?, ?> d) {
                            MapState<Long, ?> m = new NullSafeMapState<>((MapState<?, ?>) state(d));
                            if (d.getName().equals("frames")) {
                                frames = m;
                            }
                            return m;
                        }
                        break;
                    case "getListState":
                        if (args[0] instanceof org.apache.flink.api.common.state.ListStateDescriptor<?> d) {
                            return state(d);
                        }
                        break;
                    case "getMetricGroup":
                        return UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup();
                    case "toString":
                        return "state-footprint runtime context";
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == args[0];
                    default:
                        break;
                }
                throw new UnsupportedOperationException(method.getName() + " is not available here");
            };
            return (RuntimeContext) Proxy.newProxyInstance(RuntimeContext.class.getClassLoader(),
                    new Class<?>[] {RuntimeContext.class}, h);
        }

        private Object state(StateDescriptor<?, ?> d) throws Exception {
            d.initializeSerializerUnlessSet(config);
            return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    (StateDescriptor) d);
        }

        void feed(Stamped<MocapFrame> in) throws Exception {
            String key = in.record.getStreamId();
            backend.setCurrentKey(key);
            if (context == null) {
                context = new KeyedContext();
            }
            context.key = key;
            context.timestamp = in.record.getCaptureTimeUs() / 1000;
            windower.processElement(reducer.map(in), context, new Collector<>() {
                @Override
                public void collect(MocapWindow w) {
                    emitted.add(w);
                }

                @Override
                public void close() {
                }
            });
        }

        void dropInputs() {
            emitted.clear();
        }

        long bufferedFrames() throws Exception {
            long n = 0;
            try (var keys = backend.getKeys("frames", VoidNamespace.INSTANCE)) {
                for (Iterator<String> it = keys.iterator(); it.hasNext();) {
                    backend.setCurrentKey(it.next());
                    for (Object ignored : frames.keys()) {
                        n++;
                    }
                }
            }
            return n;
        }

        long snapshotBytes() throws Exception {
            RunnableFuture<SnapshotResult<KeyedStateHandle>> f = backend.snapshot(1L, System.currentTimeMillis(),
                    new MemCheckpointStreamFactory(Integer.MAX_VALUE), CheckpointOptions.forCheckpointWithDefaultLocation());
            f.run();
            KeyedStateHandle handle = f.get().getJobManagerOwnedSnapshot();
            long size = handle == null ? 0 : handle.getStateSize();
            if (handle != null) {
                handle.discardState();
            }
            return size;
        }

        @Override
        public void close() throws Exception {
            windower.close();
            backend.dispose();
        }

        /** The per-element context: current key, element timestamp, a timer service on the heap timer queues. */
        private final class KeyedContext extends MocapWindower.Context {
            String key;
            long timestamp;

            KeyedContext() {
                windower.super();
            }

            @Override
            public Long timestamp() {
                return timestamp;
            }

            @Override
            public TimerService timerService() {
                return new TimerService() {
                    @Override
                    public long currentProcessingTime() {
                        return System.currentTimeMillis();
                    }

                    @Override
                    public long currentWatermark() {
                        return Long.MIN_VALUE;
                    }

                    @Override
                    public void registerProcessingTimeTimer(long time) {
                        processingTimers.add(new TimerHeapInternalTimer<>(time, key, VoidNamespace.INSTANCE));
                    }

                    @Override
                    public void registerEventTimeTimer(long time) {
                        eventTimers.add(new TimerHeapInternalTimer<>(time, key, VoidNamespace.INSTANCE));
                    }

                    @Override
                    public void deleteProcessingTimeTimer(long time) {
                        processingTimers.remove(new TimerHeapInternalTimer<>(time, key, VoidNamespace.INSTANCE));
                    }

                    @Override
                    public void deleteEventTimeTimer(long time) {
                        eventTimers.remove(new TimerHeapInternalTimer<>(time, key, VoidNamespace.INSTANCE));
                    }
                };
            }

            @Override
            public <X> void output(OutputTag<X> outputTag, X value) {
                throw new UnsupportedOperationException("the windower has no side outputs");
            }

            @Override
            public String getCurrentKey() {
                return key;
            }
        }
    }

    /** A map state whose iterables are empty, not null, when a key holds no entries (as Flink's user-facing one). */
    private static final class NullSafeMapState<K, V> implements MapState<K, V> {
        private final MapState<K, V> state;

        @SuppressWarnings("unchecked")
        NullSafeMapState(MapState<?, ?> state) {
            this.state = (MapState<K, V>) state;
        }

        @Override
        public V get(K key) throws Exception {
            return state.get(key);
        }

        @Override
        public void put(K key, V value) throws Exception {
            state.put(key, value);
        }

        @Override
        public void putAll(Map<K, V> map) throws Exception {
            state.putAll(map);
        }

        @Override
        public void remove(K key) throws Exception {
            state.remove(key);
        }

        @Override
        public boolean contains(K key) throws Exception {
            return state.contains(key);
        }

        @Override
        public Iterable<Map.Entry<K, V>> entries() throws Exception {
            Iterable<Map.Entry<K, V>> it = state.entries();
            return it == null ? Collections.emptyList() : it;
        }

        @Override
        public Iterable<K> keys() throws Exception {
            Iterable<K> it = state.keys();
            return it == null ? Collections.emptyList() : it;
        }

        @Override
        public Iterable<V> values() throws Exception {
            Iterable<V> it = state.values();
            return it == null ? Collections.emptyList() : it;
        }

        @Override
        public Iterator<Map.Entry<K, V>> iterator() throws Exception {
            Iterator<Map.Entry<K, V>> it = state.iterator();
            return it == null ? Collections.emptyIterator() : it;
        }

        @Override
        public boolean isEmpty() throws Exception {
            return state.isEmpty();
        }

        @Override
        public void clear() {
            state.clear();
        }
    }
}
