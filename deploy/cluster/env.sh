# Settings of the local Flink cluster, shared by start.sh, submit.sh and stop.sh (sourced, not run).
# Every value can be overridden from the environment.
cluster_home=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$cluster_home/../.." && pwd)

# all state of the cluster: lib/, plugins/, conf/, logs, pids, checkpoints, savepoints, the broker's log
WORK=$(mkdir -p "${AVSTREAM_CLUSTER_DIR:-$cluster_home/work}" && cd "${AVSTREAM_CLUSTER_DIR:-$cluster_home/work}" && pwd)

KAFKA_PORT=${AVSTREAM_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${AVSTREAM_KAFKA_CONTROLLER_PORT:-9093}
REST_PORT=${AVSTREAM_REST_PORT:-8081}
JM_RPC_PORT=${AVSTREAM_JM_RPC_PORT:-6123}
BLOB_PORT=${AVSTREAM_BLOB_PORT:-6124}
PROM_PORTS=${AVSTREAM_PROM_PORTS:-9250-9259}
TASKMANAGERS=${AVSTREAM_TASKMANAGERS:-2}
SLOTS=${AVSTREAM_SLOTS:-2}
PARALLELISM=${AVSTREAM_PARALLELISM:-2}
JM_MEMORY=${AVSTREAM_JM_MEMORY:-768m}
TM_MEMORY=${AVSTREAM_TM_MEMORY:-1600m}
HEARTBEAT_INTERVAL=${AVSTREAM_HEARTBEAT_INTERVAL:-1 s}
HEARTBEAT_TIMEOUT=${AVSTREAM_HEARTBEAT_TIMEOUT:-4 s}
TOPICS=${AVSTREAM_TOPICS:-avstream.mocap:4,avstream.predictions.action:4,avstream.deadletter:1,avstream.audio:4,avstream.video:4,avstream.predictions.audio-events:4,avstream.predictions.audio-visual:4,avstream.predictions.speech:4,avstream.speakers:1:compact}

JOB_JAR=${AVSTREAM_JOB_JAR:-$repo_root/deploy/target/avstream-job.jar}
# the broker process runs from the tools module (its jar and class path)
TOOLS_JAR=$repo_root/tools/target/avstream-tools-0.1.0-SNAPSHOT.jar
TOOLS_CLASSPATH=$repo_root/tools/target/classpath.txt
MVN=${MVN:-mvn}
MVN_FLAGS=${AVSTREAM_MVN_FLAGS:-}

ADD_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
DJL_OPTS="-Dai.djl.offline=true -Dai.djl.default_engine=OnnxRuntime"

export FLINK_CONF_DIR="$WORK/conf"
export FLINK_PLUGINS_DIR="$WORK/plugins"
export FLINK_LIB_DIR="$WORK/lib"
export DJL_CACHE_DIR="$WORK/tmp/djl"
export ENGINE_CACHE_DIR="$WORK/tmp/djl"

pid_file() { echo "$WORK/pids/$1.pid"; }

# true when the process of the pid file is alive
running() {
  local f; f=$(pid_file "$1")
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# waits (bounded) until a command succeeds
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      log "$what not ready after ${seconds}s"
      return 1
    fi
    sleep 0.3
  done
}
