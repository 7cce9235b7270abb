#!/usr/bin/env bash
# Stops the local cluster started by start.sh: running jobs are cancelled, then the TaskManagers,
# the JobManager and the Kafka broker get SIGTERM (SIGKILL after 30 s).
#
#   deploy/cluster/stop.sh                 everything
#   deploy/cluster/stop.sh --purge         everything, then delete the state (broker log, checkpoints,
#                                          savepoints, logs); lib/ and plugins/ are kept
#   deploy/cluster/stop.sh kafka           only the broker (its log dir stays: start.sh kafka resumes it)
#   deploy/cluster/stop.sh taskmanager 1   one TaskManager
#   deploy/cluster/stop.sh --kill taskmanager 1   SIGKILL at once (a crash, for failure tests)
set -euo pipefail
source "$(dirname "$0")/env.sh"

signal=TERM
purge=false
args=()
for a in "$@"; do
  case "$a" in
    --kill) signal=KILL ;;
    --purge) purge=true ;;
    *) args+=("$a") ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"

stop_process() {
  local name=$1 f pid
  f=$(pid_file "$name")
  if ! running "$name"; then
    rm -f "$f"
    return 0
  fi
  pid=$(cat "$f")
  kill -s "$signal" "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      log "$name (pid $pid) still running after 30 s: SIGKILL"
      kill -s KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  rm -f "$f"
  log "$name stopped (SIG$signal, pid $pid)"
}

cancel_jobs() {
  local ids
  ids=$(curl -sf "http://127.0.0.1:$REST_PORT/jobs" | grep -o '"id":"[0-9a-f]*","status":"RUNNING"' | cut -d'"' -f4) || return 0
  for id in $ids; do
    curl -sf -X PATCH "http://127.0.0.1:$REST_PORT/jobs/$id?mode=cancel" >/dev/null && log "job $id cancelled"
  done
}

case "${1:-all}" in
  all)
    [ "$signal" = TERM ] && cancel_jobs
    for f in "$WORK"/pids/taskmanager-*.pid; do
      [ -e "$f" ] && stop_process "$(basename "$f" .pid)"
    done
    stop_process jobmanager
    stop_process kafka
    if $purge; then
      rm -rf "$WORK/kafka" "$WORK/checkpoints" "$WORK/savepoints" "$WORK/log" "$WORK/tmp" "$WORK/web-upload" \
        "$WORK/kafka.ready" "$WORK/job.id"
      log "state under $WORK deleted"
    fi
    ;;
  kafka) stop_process kafka ;;
  jobmanager) stop_process jobmanager ;;
  taskmanager) stop_process "taskmanager-${2:?which taskmanager (1, 2, ...)}" ;;
  *) echo "usage: $0 [--kill] [--purge] [all | kafka | jobmanager | taskmanager N]" >&2; exit 2 ;;
esac
