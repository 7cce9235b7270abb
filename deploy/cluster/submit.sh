#!/usr/bin/env bash
# Submits the avstream job (deploy/target/avstream-job.jar) to the local cluster the way `flink run`
# does (Flink's CliFrontend, detached), against the cluster's Kafka broker. Prints the job id and
# writes it to <work dir>/job.id.
#
#   deploy/cluster/submit.sh [--savepoint PATH] [--parallelism N] [--avstream.<option> value | --kafka.<property> value ...]
#
# e.g. deploy/cluster/submit.sh --avstream.delivery at-least-once --avstream.checkpoint.interval 1s
set -euo pipefail
source "$(dirname "$0")/env.sh"

flink_args=()
job_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --savepoint) flink_args+=(-s "$2"); shift 2 ;;
    --parallelism) flink_args+=(-p "$2"); shift 2 ;;
    *) job_args+=("$1"); shift ;;
  esac
done
[ -f "$JOB_JAR" ] || { echo "no job jar at $JOB_JAR: run mvn -B install -DskipTests (or start.sh) first" >&2; exit 1; }

out=$(java -Xmx512m $ADD_OPENS $DJL_OPTS -Djava.io.tmpdir="$WORK/tmp" \
  -Dlog.file="$WORK/log/client.log" -Dlog4j2.configurationFile="$WORK/conf/log4j.properties" \
  -cp "$WORK/lib/*" org.apache.flink.client.cli.CliFrontend \
  run -d -m "127.0.0.1:$REST_PORT" "${flink_args[@]+"${flink_args[@]}"}" "$JOB_JAR" \
  --avstream.kafka.bootstrap-servers "127.0.0.1:$KAFKA_PORT" "${job_args[@]+"${job_args[@]}"}" 2>&1) || {
  echo "$out" >&2
  exit 1
}
job=$(grep -o 'JobID [0-9a-f]\{32\}' <<<"$out" | awk '{print $2}' | tail -1)
[ -n "$job" ] || { echo "$out" >&2; echo "no job id in the client's output" >&2; exit 1; }
echo "$job" > "$WORK/job.id"
log "job $job submitted (http://127.0.0.1:$REST_PORT/#/job/running/$job/overview)"
echo "$job"
