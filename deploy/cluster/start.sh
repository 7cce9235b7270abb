#!/usr/bin/env bash
# Starts a real Flink cluster on this machine, assembled from Maven artifacts: one JobManager, two
# TaskManager JVMs and a single-node Kafka broker process, all on 127.0.0.1, all state under one
# work dir (deploy/cluster/work by default, AVSTREAM_CLUSTER_DIR to change).
#
#   deploy/cluster/start.sh                  everything (builds lib/ and the job jar on first use)
#   deploy/cluster/start.sh kafka            only the broker (e.g. after stop.sh kafka)
#   deploy/cluster/start.sh jobmanager
#   deploy/cluster/start.sh taskmanager 2    one TaskManager (resource id tm-2)
#
# Ports: Kafka 9092 (controller 9093), REST/web UI 8081, JobManager RPC 6123, blob 6124,
# Prometheus 9250-9259 (one per JVM); see env.sh for the AVSTREAM_* variables that change them.
set -euo pipefail
source "$(dirname "$0")/env.sh"

ensure_dist() {
  if [ ! -f "$JOB_JAR" ] || [ ! -f "$TOOLS_JAR" ] || [ ! -f "$TOOLS_CLASSPATH" ]; then
    log "building the job jar (mvn install -DskipTests)"
    (cd "$repo_root" && $MVN -B -q $MVN_FLAGS install -DskipTests) >&2
  fi
  if [ ! -f "$WORK/lib/flink-runtime-web-"*.jar ] || [ "$cluster_home/pom.xml" -nt "$WORK/lib" ]; then
    log "assembling Flink's lib/ and plugins/ from Maven artifacts into $WORK"
    rm -rf "$WORK/lib" "$WORK/plugins"
    $MVN -B -q $MVN_FLAGS -f "$cluster_home/pom.xml" -Dcluster.dir="$WORK" package >&2
    touch "$WORK/lib"
  fi
}

write_config() {
  mkdir -p "$WORK/conf" "$WORK/log" "$WORK/pids" "$WORK/tmp" "$WORK/checkpoints" "$WORK/savepoints" "$WORK/web-upload"
  cat > "$WORK/conf/config.yaml" <<YAML
# written by deploy/cluster/start.sh; edit env.sh or the AVSTREAM_* variables instead
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $JM_RPC_PORT
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: $JM_MEMORY
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
taskmanager.memory.process.size: $TM_MEMORY
taskmanager.memory.managed.size: 64m
taskmanager.memory.network.min: 64m
taskmanager.memory.network.max: 64m
taskmanager.numberOfTaskSlots: $SLOTS
parallelism.default: $PARALLELISM
# spread a job's slots over the TaskManagers (Flink 2.x; cluster.evenly-spread-out-slots is gone)
taskmanager.load-balance.mode: slots
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $REST_PORT
blob.server.port: $BLOB_PORT
web.upload.dir: $WORK/web-upload
io.tmp.dirs: $WORK/tmp
# a lost TaskManager is noticed within seconds, not after the default 50 s
heartbeat.interval: $HEARTBEAT_INTERVAL
heartbeat.timeout: $HEARTBEAT_TIMEOUT
state.backend.type: hashmap
execution.checkpointing.dir: file://$WORK/checkpoints
execution.checkpointing.savepoint-dir: file://$WORK/savepoints
execution.checkpointing.num-retained: 2
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 1000
restart-strategy.fixed-delay.delay: 1 s
# DJL and ONNX Runtime load their natives once per JVM: they live in lib/ and load parent-first
classloader.parent-first-patterns.additional: [ai.djl., ai.onnxruntime.]
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $PROM_PORTS
metrics.reporter.prom.interval: 5 s
YAML
  cat > "$WORK/conf/log4j.properties" <<'PROPS'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${sys:log.file}
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5level [%t] %c - %msg%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.kafkaserver.name = kafka
logger.kafkaserver.level = WARN
logger.kafkastate.name = state.change.logger
logger.kafkastate.level = WARN
logger.pekko.name = org.apache.pekko
logger.pekko.level = WARN
logger.metricgroups.name = org.apache.flink.runtime.metrics.groups
logger.metricgroups.level = ERROR
# the client logs the program arguments at INFO, and job arguments may carry Kafka credentials
logger.cli.name = org.apache.flink.client.cli.CliFrontend
logger.cli.level = WARN
PROPS
}

# the last two lines of BashJavaUtils: JVM options, then -D dynamic properties (what Flink's scripts pass)
resource_params() {
  java -cp "$WORK/lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$WORK/conf" 2>/dev/null \
    | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://' | tail -n 2
}

launch() { # name, then the java command line
  local name=$1; shift
  if running "$name"; then
    log "$name already running (pid $(cat "$(pid_file "$name")"))"
    return 0
  fi
  mkdir -p "$WORK/tmp/$name"
  (cd "$WORK" && exec nohup "$@" >"$WORK/log/$name.out" 2>&1 </dev/null) &
  echo $! > "$(pid_file "$name")"
}

rest_up() { curl -sf "http://127.0.0.1:$REST_PORT/overview"; }

start_kafka() {
  [ -f "$TOOLS_JAR" ] || ensure_dist
  local cp; cp="$TOOLS_JAR:$(cat "$TOOLS_CLASSPATH")"
  rm -f "$WORK/kafka.ready"
  launch kafka java -Xms256m -Xmx768m -Djava.io.tmpdir="$WORK/tmp/kafka" \
    -Dlog4j2.configurationFile="$WORK/conf/log4j.properties" -Dlog.file="$WORK/log/kafka.log" \
    -cp "$cp" io.avstream.tools.local.KafkaBrokerMain \
    --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" --log-dir "$WORK/kafka" \
    --topics "$TOPICS" --ready-file "$WORK/kafka.ready"
  wait_for "kafka broker" 90 test -f "$WORK/kafka.ready" || { tail -20 "$WORK/log/kafka.out" >&2; exit 1; }
  log "kafka broker up on 127.0.0.1:$KAFKA_PORT (pid $(cat "$(pid_file kafka)"))"
}

start_jobmanager() {
  local params jvm dyn
  params=$(resource_params GET_JM_RESOURCE_PARAMS)
  jvm=$(sed -n 1p <<<"$params"); dyn=$(sed -n 2p <<<"$params")
  # shellcheck disable=SC2086
  launch jobmanager java $jvm $ADD_OPENS $DJL_OPTS -Djava.io.tmpdir="$WORK/tmp/jobmanager" \
    -Dlog.file="$WORK/log/jobmanager.log" -Dlog4j2.configurationFile="$WORK/conf/log4j.properties" \
    -cp "$WORK/lib/*" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$WORK/conf" $dyn
  wait_for "jobmanager REST on :$REST_PORT" 90 rest_up || { tail -20 "$WORK/log/jobmanager.out" >&2; exit 1; }
  log "jobmanager up, web UI http://127.0.0.1:$REST_PORT (pid $(cat "$(pid_file jobmanager)"))"
}

start_taskmanager() {
  local n=$1 params jvm dyn
  params=$(resource_params GET_TM_RESOURCE_PARAMS)
  jvm=$(sed -n 1p <<<"$params"); dyn=$(sed -n 2p <<<"$params")
  # shellcheck disable=SC2086
  launch "taskmanager-$n" java $jvm $ADD_OPENS $DJL_OPTS -Djava.io.tmpdir="$WORK/tmp/taskmanager-$n" \
    -Dlog.file="$WORK/log/taskmanager-$n.log" -Dlog4j2.configurationFile="$WORK/conf/log4j.properties" \
    -cp "$WORK/lib/*" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$WORK/conf" $dyn -D taskmanager.resource-id="tm-$n"
}

await_taskmanagers() {
  local want=$1
  wait_for "$want taskmanagers" 90 bash -c "[ \$(curl -sf http://127.0.0.1:$REST_PORT/taskmanagers | grep -o '\"id\":\"tm-[0-9]*\"' | wc -l) -ge $want ]" \
    || { tail -20 "$WORK/log/taskmanager-1.out" >&2; exit 1; }
}

t0=$SECONDS
case "${1:-all}" in
  all)
    ensure_dist
    write_config
    start_kafka
    start_jobmanager
    for n in $(seq 1 "$TASKMANAGERS"); do start_taskmanager "$n"; done
    await_taskmanagers "$TASKMANAGERS"
    log "cluster up in $((SECONDS - t0)) s: $TASKMANAGERS taskmanagers x $SLOTS slots, Kafka 127.0.0.1:$KAFKA_PORT, web UI http://127.0.0.1:$REST_PORT, work dir $WORK"
    ;;
  kafka) write_config; start_kafka ;;
  jobmanager) write_config; start_jobmanager ;;
  taskmanager)
    n=${2:?which taskmanager (1, 2, ...)}
    write_config
    start_taskmanager "$n"
    wait_for "taskmanager tm-$n" 90 bash -c "curl -sf http://127.0.0.1:$REST_PORT/taskmanagers | grep -q '\"id\":\"tm-$n\"'" \
      || { tail -20 "$WORK/log/taskmanager-$n.out" >&2; exit 1; }
    log "taskmanager tm-$n registered in $((SECONDS - t0)) s"
    ;;
  *) echo "usage: $0 [all | kafka | jobmanager | taskmanager N]" >&2; exit 2 ;;
esac
