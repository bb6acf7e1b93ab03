#!/usr/bin/env bash
# Stops every node of the test cluster that runs (started by start-cluster.sh).
source "$(dirname "$0")/common.sh"
for n in $(seq $GALERA_NODES -1 1); do
  pidfile="$(node_dir "$n")/mariadbd.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
done
echo "Galera test cluster stopped"
