# Shared by the scripts here: where node n (1..3) of the loopback test cluster lives and
# how it starts. Node n listens for SQL on 3306+10n (3316, 3326, 3336), for group
# communication on 4557+10n (4567...), for incremental state transfer on 4558+10n and for
# full state transfer (rsync) on 4434+10n.
set -euo pipefail

GALERA_DIR="${GALERA_DIR:-/tmp/wallet-galera}"
GALERA_PROVIDER="${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}"
GALERA_NODES=3
CLUSTER_ADDRESS="gcomm://127.0.0.1:4567,127.0.0.1:4577,127.0.0.1:4587"

sql_port() { echo $((3306 + 10 * $1)); }
node_dir() { echo "$GALERA_DIR/node$1"; }

# As root, the stock rsync state transfer starts an rsync daemon that drops to `nobody`,
# which cannot write the joiner's datadir. mariadbd puts its own directory first on the
# PATH of a state transfer, so a copy of the script cannot shadow the stock one: the copy,
# whose daemon stays root, is a method of its own (wsrep_sst_method=rsync_root).
prepare_sst() {
  mkdir -p "$GALERA_DIR/bin"
  cp /usr/bin/wsrep_sst_common "$GALERA_DIR/bin/"
  sed 's/^use chroot = no$/use chroot = no\nuid = root\ngid = root/' /usr/bin/wsrep_sst_rsync >"$GALERA_DIR/bin/wsrep_sst_rsync_root"
  chmod +x "$GALERA_DIR/bin/wsrep_sst_rsync_root"
}

write_config() {
  local n=$1 dir
  dir=$(node_dir "$n")
  mkdir -p "$dir/data" "$dir/tmp"
  cat >"$dir/my.cnf" <<CNF
[mariadbd]
user=root
datadir=$dir/data
tmpdir=$dir/tmp
socket=$dir/mysqld.sock
pid-file=$dir/mysqld.pid
log-error=$dir/error.log
port=$(sql_port "$n")
bind-address=127.0.0.1
skip-name-resolve
innodb_buffer_pool_size=64M
innodb_log_file_size=48M
innodb_flush_log_at_trx_commit=2
performance_schema=OFF
max_connections=200
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=$GALERA_PROVIDER
wsrep_cluster_name=wallet-test
wsrep_cluster_address=$CLUSTER_ADDRESS
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$((4557 + 10 * n))
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$((4557 + 10 * n));ist.recv_addr=127.0.0.1:$((4558 + 10 * n));gcache.size=64M"
wsrep_sst_method=rsync_root
wsrep_sst_receive_address=127.0.0.1:$((4434 + 10 * n))
wsrep_slave_threads=2
CNF
}

# Starts node n in the background (extra mariadbd arguments after n) and waits until it
# is Synced and answers SQL.
start_node() {
  local n=$1 dir
  shift
  dir=$(node_dir "$n")
  PATH="$GALERA_DIR/bin:$PATH" nohup /usr/sbin/mariadbd --defaults-file="$dir/my.cnf" "$@" >>"$dir/stdout.log" 2>&1 &
  echo $! >"$dir/mariadbd.pid"
  wait_synced "$n"
}

wait_synced() {
  local n=$1 state=""
  for _ in $(seq 1 120); do
    state=$(mariadb --protocol=tcp -h 127.0.0.1 -P "$(sql_port "$n")" -u root -N -B -e "SHOW STATUS LIKE 'wsrep_local_state'" 2>/dev/null | cut -f2 || true)
    [ "$state" = "4" ] && return 0
    if ! kill -0 "$(cat "$(node_dir "$n")/mariadbd.pid")" 2>/dev/null; then
      echo "node $n exited; see $(node_dir "$n")/error.log" >&2
      return 1
    fi
    sleep 1
  done
  echo "node $n is not Synced after 120 s (state ${state:-none}); see $(node_dir "$n")/error.log" >&2
  return 1
}
