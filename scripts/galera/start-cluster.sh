#!/usr/bin/env bash
# Starts a fresh 3-node MariaDB Galera cluster on loopback for tests/galera (ports in
# common.sh; data under $GALERA_DIR, default /tmp/wallet-galera, wiped first). Node 1
# bootstraps the cluster; nodes 2 and 3 join it by a full state transfer. Small buffers:
# it shares the machine. Stop it with stop-cluster.sh.
source "$(dirname "$0")/common.sh"

if [ ! -x "$GALERA_PROVIDER" ] && [ ! -f "$GALERA_PROVIDER" ]; then
  echo "no Galera provider at $GALERA_PROVIDER (Debian: apt-get install galera-4)" >&2
  exit 2
fi
"$(dirname "$0")/stop-cluster.sh" >/dev/null 2>&1 || true
rm -rf "$GALERA_DIR"
prepare_sst
for n in $(seq 1 $GALERA_NODES); do
  write_config "$n"
  mariadb-install-db --defaults-file="$(node_dir "$n")/my.cnf" --auth-root-authentication-method=normal --skip-test-db >"$(node_dir "$n")/install.log" 2>&1
done
start_node 1 --wsrep-new-cluster
for n in $(seq 2 $GALERA_NODES); do start_node "$n"; done
mariadb --protocol=tcp -h 127.0.0.1 -P "$(sql_port 1)" -u root -N -B -e "SHOW STATUS LIKE 'wsrep_cluster_size'"
echo "Galera cluster up: mysql://root@127.0.0.1:3316, :3326, :3336"
