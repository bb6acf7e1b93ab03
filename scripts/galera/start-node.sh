#!/usr/bin/env bash
# Starts node $1 of the test cluster again after it stopped (a kill -9 included): it
# rejoins from the position its own data holds (`mariadbd --wsrep-recover`), so the
# cluster sends it only what it missed (incremental state transfer).
source "$(dirname "$0")/common.sh"
n=$1
dir=$(node_dir "$n")
/usr/sbin/mariadbd --defaults-file="$dir/my.cnf" --wsrep-recover --log-error="$dir/recover.log" >/dev/null 2>&1 || true
position=$(grep -o 'Recovered position: .*' "$dir/recover.log" | tail -1 | sed 's/Recovered position: //')
if [ -n "$position" ]; then
  start_node "$n" --wsrep_start_position="$position"
else
  start_node "$n"
fi
echo "node $n is Synced"
