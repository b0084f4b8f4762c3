#!/usr/bin/env bash
# Local infrastructure for Refinery's integration and end-to-end tests, without Docker.
#
#   deploy/local/infra.sh up       install what is missing, start everything, write $STATE/env.sh
#   deploy/local/infra.sh down     stop everything (PURGE=1 also deletes the state dir)
#   deploy/local/infra.sh status   print each server's state; exit 1 if any is down
#   deploy/local/infra.sh env      print $STATE/env.sh (source it: eval "$(deploy/local/infra.sh env)")
#
# Servers, all listening on 127.0.0.1 only (epmd also on ::1):
#   RabbitMQ 3.10 (Debian rabbitmq-server) with the management plugin, node rabbit@localhost
#   PostgreSQL 15 (Debian postgresql-15), a throwaway cluster (trust auth) with database "refinery"
#   S3: moto_server when it is installed (in memory), else npm s3rver@3.7.1 (on disk), bucket "refinery"
#
# Environment (all optional):
#   REFINERY_INFRA_DIR            state dir (default /tmp/refinery-infra); logs in $STATE/logs
#   REFINERY_RABBITMQ_PORT        5672     REFINERY_RABBITMQ_MGMT_PORT 15672   REFINERY_RABBITMQ_DIST_PORT 25672
#   REFINERY_POSTGRES_PORT        55432    REFINERY_S3_PORT            9000
#   REFINERY_RABBITMQ_NODE        rabbit@localhost (change it, and the ports, to run a second copy beside this one)
#   REFINERY_S3_SERVER            auto | moto | s3rver   (auto: moto when found, else s3rver)
#   REFINERY_INFRA_TIMEOUT        seconds to wait for each server to become ready (default 120)
#   REFINERY_FRESH_RABBITMQ=1     start a new RabbitMQ node on an empty data dir (test.sh sets it: tests make a vhost
#                                 each and never need them again, and a node recovering hundreds of old vhosts takes
#                                 minutes to start)
#   PURGE=1                       with "down": delete the state dir afterwards
#
# Facts this relies on are in shared/notes/STACK.md sections 1-3 (direct /usr/lib/rabbitmq/bin/*
# binaries with a fixed HOME so the Erlang cookie matches; ERL_EPMD_ADDRESS and inet_dist_use_interface
# so epmd and the distribution port stay on loopback; initdb refuses to run as root; s3rver needs an
# XML-namespace fix for Minio .NET and only knows the access keys registered with it).
set -euo pipefail
umask 022 # the postgres user must be able to reach its data dir; CI may run with umask 077

STATE=${REFINERY_INFRA_DIR:-/tmp/refinery-infra}
RABBITMQ_PORT=${REFINERY_RABBITMQ_PORT:-5672}
RABBITMQ_MGMT_PORT=${REFINERY_RABBITMQ_MGMT_PORT:-15672}
RABBITMQ_DIST_PORT=${REFINERY_RABBITMQ_DIST_PORT:-25672}
PG_PORT=${REFINERY_POSTGRES_PORT:-55432}
S3_PORT=${REFINERY_S3_PORT:-9000}
RABBITMQ_NODE=${REFINERY_RABBITMQ_NODE:-rabbit@localhost}
S3_SERVER=${REFINERY_S3_SERVER:-auto}
TIMEOUT=${REFINERY_INFRA_TIMEOUT:-120}

DB_NAME=refinery
PG_PASSWORD=postgres
S3_BUCKET=refinery
S3_ACCESS_KEY=refinery
S3_SECRET_KEY=refinery-secret
S3RVER_VERSION=3.7.1

RABBIT_BIN=/usr/lib/rabbitmq/bin
PG_BIN=/usr/lib/postgresql/15/bin
LOGS=$STATE/logs
RDIR=$STATE/rabbitmq
PGDIR=$STATE/postgres
S3DIR=$STATE/s3

export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------------------------------------- helpers

log() { printf 'infra: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
elapsed() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }

# Print the last lines of each given log file that exists.
tail_logs() {
  local f
  for f in "$@"; do
    [[ -f $f ]] || continue
    printf -- '----- last 40 lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2 || true
    printf -- '-----\n' >&2
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PIDFILE PATTERN: the pid in PIDFILE is running and its command line contains PATTERN
# (guards against a stale pid file whose number was reused by another process).
pid_alive() {
  local pid
  [[ -s $1 ]] || return 1
  local cmd
  pid=$(tr -dc 0-9 <"$1")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$2"* ]]
}
pid_of() { tr -dc 0-9 <"$1" 2>/dev/null || true; }
# pid_running PIDFILE: the pid is alive, whatever it runs (used right after a launch, before its exec).
pid_running() { local pid; pid=$(pid_of "$1"); [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }

# Who is listening on a TCP port (for error messages).
port_owner() {
  if command -v ss >/dev/null; then ss -ltnpH "sport = :$1" 2>/dev/null || true; fi
}

# Fail early, with a clear message, when a port we need is taken by something that is not ours.
require_free_port() {
  local port=$1 what=$2
  if port_open "$port"; then
    log "port 127.0.0.1:$port ($what) is already in use by another process:"
    port_owner "$port" >&2
    return 1
  fi
}

# kill_pidfile PIDFILE PATTERN GRACE: TERM the process (and its process group when it leads one),
# wait GRACE seconds, then KILL. Removes the pid file.
kill_pidfile() {
  local file=$1 pattern=$2 grace=${3:-5} pid target i
  if pid_alive "$file" "$pattern"; then
    pid=$(pid_of "$file")
    target=$pid
    # Servers are started with setsid: signal the whole group (wrapper scripts and their children).
    [[ $(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') == "$pid" ]] && target=-$pid
    kill -TERM -- "$target" 2>/dev/null || true
    kill -CONT -- "$target" 2>/dev/null || true # a stopped process handles TERM only once continued
    for ((i = 0; i < grace * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid did not stop after ${grace}s; sending KILL"
      kill -KILL -- "$target" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$file"
}

http_code() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" 2>/dev/null || true; }

# ---------------------------------------------------------------------------------------------- install

install_missing() {
  local pkgs=()
  [[ -x $RABBIT_BIN/rabbitmq-server ]] || pkgs+=(rabbitmq-server)
  [[ -x $PG_BIN/initdb ]] || pkgs+=(postgresql-15)
  command -v curl >/dev/null || pkgs+=(curl)
  command -v ss >/dev/null || pkgs+=(iproute2)
  ((${#pkgs[@]})) || return 0

  [[ $EUID -eq 0 ]] || die "missing packages (${pkgs[*]}) and not root: run 'sudo apt-get install -y --no-install-recommends ${pkgs[*]}'"
  local t0 policy_created=0
  t0=$(now_ms)
  log "installing ${pkgs[*]} (apt-get)"
  # The packages' postinst scripts try to start system-wide servers (RabbitMQ would listen on
  # 0.0.0.0:5672 and 4369, PostgreSQL on 5432). Deny that for the duration of the install.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# temporary, written by refinery deploy/local/infra.sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_created=1
  fi
  local rc=0
  {
    apt-get -o DPkg::Lock::Timeout=300 update -q &&
      apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${pkgs[@]}"
  } >"$LOGS/apt.log" 2>&1 || rc=$?
  if ((policy_created)); then rm -f /usr/sbin/policy-rc.d; fi
  if ((rc != 0)); then
    tail_logs "$LOGS/apt.log"
    die "apt-get failed (exit $rc)"
  fi
  log "installed ${pkgs[*]} in $(elapsed "$t0")"
}

# ---------------------------------------------------------------------------------------------- RabbitMQ

rabbit_env() {
  export HOME=$RDIR/home # the Erlang cookie lives in $HOME/.erlang.cookie: same HOME for server and CLI
  export RABBITMQ_NODENAME=$RABBITMQ_NODE
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$RABBITMQ_PORT
  export RABBITMQ_DIST_PORT=$RABBITMQ_DIST_PORT
  export RABBITMQ_MNESIA_BASE=$RDIR/mnesia
  export RABBITMQ_LOG_BASE=$LOGS/rabbitmq
  export RABBITMQ_PID_FILE=$RDIR/rabbit.pid
  export RABBITMQ_CONFIG_FILE=$RDIR/rabbitmq
  export RABBITMQ_ENABLED_PLUGINS_FILE=$RDIR/enabled_plugins
  export RABBITMQ_ADVANCED_CONFIG_FILE=$RDIR/advanced.config
  export RABBITMQ_CONF_ENV_FILE=$RDIR/rabbitmq-env.conf # keep /etc/rabbitmq/rabbitmq-env.conf out
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CTL_ERL_ARGS=$RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS
}

rabbitmqctl() { (rabbit_env && "$RABBIT_BIN/rabbitmqctl" "$@"); }

epmd_bin() {
  local e
  e=$(command -v epmd 2>/dev/null) && { echo "$e"; return; }
  for e in /usr/lib/erlang/bin/epmd /usr/lib/erlang/erts-*/bin/epmd; do
    [[ -x $e ]] && { echo "$e"; return; }
  done
  return 1
}

# Stop epmd when no Erlang node is registered with it any more (it outlives the node).
epmd_cleanup() {
  local epmd names
  epmd=$(epmd_bin) || return 0
  port_open 4369 || return 0
  names=$("$epmd" -names 2>/dev/null || true)
  if [[ $names != *$'\n'name\ * ]]; then
    "$epmd" -kill >/dev/null 2>&1 || true
  fi
}

rabbit_node_alive() { pid_alive "$RDIR/rabbit.pid" beam; }
rabbit_launcher_alive() { pid_alive "$RDIR/launcher.pid" rabbitmq-server; }
rabbit_ready() { [[ $(http_code -u guest:guest "http://127.0.0.1:$RABBITMQ_MGMT_PORT/api/overview") == 200 ]]; }

rabbit_kill_hard() {
  kill_pidfile "$RDIR/rabbit.pid" beam 10
  kill_pidfile "$RDIR/launcher.pid" rabbitmq-server 5
}

rabbit_write_config() {
  install -d -m 755 "$RDIR" "$RDIR/mnesia" "$LOGS/rabbitmq"
  install -d -m 700 "$RDIR/home"
  if [[ ! -s $RDIR/home/.erlang.cookie ]]; then
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F >"$RDIR/home/.erlang.cookie"
    chmod 400 "$RDIR/home/.erlang.cookie"
  fi
  cat >"$RDIR/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$RABBITMQ_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBITMQ_MGMT_PORT
loopback_users = none
EOF
  echo '[rabbitmq_management].' >"$RDIR/enabled_plugins"
  echo '[].' >"$RDIR/advanced.config"
  : >"$RDIR/rabbitmq-env.conf"
}

rabbit_launch() {
  # epmd from an earlier run without ERL_EPMD_ADDRESS would listen on every interface: replace it.
  local addrs=""
  if command -v ss >/dev/null; then addrs=$(ss -ltnH 'sport = :4369' | awk '{print $4}'); fi
  if [[ -n $addrs ]] && grep -vqE '^(127\.0\.0\.1|\[::1\]):' <<<"$addrs"; then
    log "epmd is listening on a non-loopback address; restarting it on loopback"
    epmd_cleanup
  fi
  require_free_port "$RABBITMQ_PORT" "RabbitMQ AMQP" || return 1
  require_free_port "$RABBITMQ_MGMT_PORT" "RabbitMQ management" || return 1
  require_free_port "$RABBITMQ_DIST_PORT" "RabbitMQ distribution" || return 1
  rabbit_write_config
  rm -f "$RDIR/rabbit.pid"
  # Foreground mode in its own session (not -detached) so early boot errors land in console.log.
  (
    rabbit_env
    cd "$RDIR"
    exec setsid "$RABBIT_BIN/rabbitmq-server" </dev/null >>"$LOGS/rabbitmq/console.log" 2>&1 9>&-
  ) &
  echo $! >"$RDIR/launcher.pid"
}

rabbit_logs() { tail_logs "$LOGS/rabbitmq/console.log" "$LOGS/rabbitmq/$RABBITMQ_NODE.log"; }

# Wait until the node accepts AMQP connections, has fully booted and the management API answers.
rabbit_wait() {
  local deadline=$((SECONDS + TIMEOUT))
  until port_open "$RABBITMQ_PORT"; do
    if ! pid_running "$RDIR/launcher.pid" && ! rabbit_node_alive; then
      log "rabbitmq: the node exited during start-up"
      return 1
    fi
    ((SECONDS < deadline)) || { log "rabbitmq: port $RABBITMQ_PORT not open after ${TIMEOUT}s"; return 1; }
    sleep 0.25
  done
  rabbitmqctl --timeout "$TIMEOUT" await_startup >"$LOGS/rabbitmq/ctl.log" 2>&1 ||
    { log "rabbitmq: rabbitmqctl await_startup failed (see $LOGS/rabbitmq/ctl.log)"; tail_logs "$LOGS/rabbitmq/ctl.log"; return 1; }
  until rabbit_ready; do
    ((SECONDS < deadline)) || { log "rabbitmq: management API not answering after ${TIMEOUT}s"; return 1; }
    sleep 0.25
  done
}

rabbit_up() {
  local t0
  t0=$(now_ms)
  if rabbit_ready && rabbit_node_alive; then
    log "rabbitmq: already running (pid $(pid_of "$RDIR/rabbit.pid"))"
    return 0
  fi
  if rabbit_node_alive || rabbit_launcher_alive; then
    log "rabbitmq: a node from an earlier run is still starting; waiting for it"
    if rabbit_wait; then
      log "rabbitmq: ready after $(elapsed "$t0")"
      return 0
    fi
    log "rabbitmq: the earlier node is not healthy; killing it and starting again"
    rabbit_kill_hard
  fi
  rm -f "$RDIR/rabbit.pid" "$RDIR/launcher.pid"
  if [[ ${REFINERY_FRESH_RABBITMQ:-0} == 1 ]]; then rm -rf "$RDIR/mnesia"; fi
  rabbit_launch || return 1
  if ! rabbit_wait; then
    rabbit_logs
    return 1
  fi
  log "rabbitmq: ready in $(elapsed "$t0") (amqp 127.0.0.1:$RABBITMQ_PORT, management 127.0.0.1:$RABBITMQ_MGMT_PORT)"
}

rabbit_down() {
  local t0
  t0=$(now_ms)
  if rabbit_node_alive; then
    if ! rabbitmqctl --timeout 60 shutdown >>"$LOGS/rabbitmq/ctl.log" 2>&1; then
      log "rabbitmq: rabbitmqctl shutdown failed; killing the node"
    fi
  fi
  rabbit_kill_hard
  epmd_cleanup
  log "rabbitmq: stopped in $(elapsed "$t0")"
}

# ---------------------------------------------------------------------------------------------- PostgreSQL

as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_running() { [[ -f $PGDIR/data/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; }
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2; }
pg_psql() { PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

pg_init() {
  local owner=()
  [[ $EUID -eq 0 ]] && owner=(-o postgres -g postgres)
  # An interrupted initdb leaves a half-written data dir: the marker is written only after success.
  if [[ ! -f $PGDIR/.initdb-done ]]; then
    rm -rf "$PGDIR/data"
    install -d -m 755 "${owner[@]}" "$PGDIR"
    install -d -m 700 "${owner[@]}" "$PGDIR/data"
    install -d -m 755 "${owner[@]}" "$PGDIR/sock"
    printf '%s\n' "$PG_PASSWORD" >"$PGDIR/pwfile"
    [[ $EUID -eq 0 ]] && chown postgres:postgres "$PGDIR/pwfile"
    chmod 600 "$PGDIR/pwfile"
    if ! as_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres --pwfile="$PGDIR/pwfile" -A trust -E UTF8 \
      --locale=C.UTF-8 --no-sync >"$LOGS/initdb.log" 2>&1; then
      log "postgres: initdb failed"
      tail_logs "$LOGS/initdb.log"
      return 1
    fi
    rm -f "$PGDIR/pwfile"
    touch "$PGDIR/.initdb-done"
  fi
  install -d -m 755 "${owner[@]}" "$PGDIR/sock"
  [[ -e $LOGS/postgres.log ]] || touch "$LOGS/postgres.log"
  [[ $EUID -eq 0 ]] && chown postgres:postgres "$LOGS/postgres.log"
  if [[ $EUID -eq 0 ]] && ! runuser -u postgres -- test -w "$PGDIR/data"; then
    log "postgres: user postgres cannot write $PGDIR/data (is a parent of $STATE closed to other users?)"
    return 1
  fi
}

pg_ensure_db() {
  if [[ $(pg_psql -tAc "select 1 from pg_database where datname = '$DB_NAME'") != 1 ]]; then
    pg_psql -c "create database $DB_NAME" || return 1
  fi
}

pg_up() {
  local t0 deadline
  t0=$(now_ms)
  deadline=$((SECONDS + TIMEOUT))
  if pg_running; then
    until pg_ready; do
      ((SECONDS < deadline)) || { log "postgres: running but not accepting connections"; tail_logs "$LOGS/postgres.log"; return 1; }
      sleep 0.2
    done
    pg_ensure_db || return 1
    log "postgres: already running (pid $(head -1 "$PGDIR/data/postmaster.pid"))"
    return 0
  fi
  require_free_port "$PG_PORT" "PostgreSQL" || return 1
  pg_init || return 1
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$LOGS/postgres.log" -w -t "$TIMEOUT" \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PGDIR/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >"$LOGS/pg_ctl.log" 2>&1 9>&-; then
    log "postgres: pg_ctl start failed"
    tail_logs "$LOGS/pg_ctl.log" "$LOGS/postgres.log"
    return 1
  fi
  until pg_ready; do
    ((SECONDS < deadline)) || { log "postgres: not accepting connections after ${TIMEOUT}s"; tail_logs "$LOGS/postgres.log"; return 1; }
    sleep 0.2
  done
  pg_ensure_db || { tail_logs "$LOGS/postgres.log"; return 1; }
  log "postgres: ready in $(elapsed "$t0") (127.0.0.1:$PG_PORT, database $DB_NAME)"
}

pg_down() {
  local t0
  t0=$(now_ms)
  if pg_running; then
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w -t 60 stop >>"$LOGS/pg_ctl.log" 2>&1; then
      log "postgres: pg_ctl stop failed; sending immediate stop"
      as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate -w -t 30 stop >>"$LOGS/pg_ctl.log" 2>&1 || true
    fi
  fi
  log "postgres: stopped in $(elapsed "$t0")"
}

# ---------------------------------------------------------------------------------------------- S3

find_moto() {
  local m
  m=$(command -v moto_server 2>/dev/null) && { echo "$m"; return; }
  # CI may run without pyenv's shims on PATH.
  m=${PYENV_ROOT:-/root/.pyenv}/shims/moto_server
  [[ -x $m ]] && "$m" --help >/dev/null 2>&1 && { echo "$m"; return; }
  return 1
}

s3_kind() {
  case $S3_SERVER in
    moto) find_moto >/dev/null || { log "s3: REFINERY_S3_SERVER=moto but moto_server was not found"; return 1; }; echo moto ;;
    s3rver) echo s3rver ;;
    auto) if find_moto >/dev/null; then echo moto; else echo s3rver; fi ;;
    *) log "s3: REFINERY_S3_SERVER must be auto, moto or s3rver (got '$S3_SERVER')"; return 1 ;;
  esac
}

s3_pattern() { if [[ $(cat "$S3DIR/kind" 2>/dev/null) == s3rver ]]; then echo s3-server.js; else echo moto_server; fi; }
s3_alive() { pid_alive "$S3DIR/server.pid" "$(s3_pattern)"; }
s3_ready() { [[ $(http_code "http://127.0.0.1:$S3_PORT/") =~ ^[2-4][0-9][0-9]$ ]]; }

s3rver_install() {
  local dir=$S3DIR/s3rver
  if [[ -f $dir/node_modules/s3rver/package.json ]] &&
    grep -q "\"version\": \"$S3RVER_VERSION\"" "$dir/node_modules/s3rver/package.json"; then
    return 0
  fi
  command -v npm >/dev/null || { log "s3: neither moto_server nor npm is available"; return 1; }
  local t0
  t0=$(now_ms)
  install -d -m 755 "$dir"
  printf '{ "name": "refinery-s3rver", "private": true, "dependencies": { "s3rver": "%s" } }\n' "$S3RVER_VERSION" >"$dir/package.json"
  log "s3: installing npm s3rver@$S3RVER_VERSION into $dir"
  if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error </dev/null) >"$LOGS/npm.log" 2>&1; then
    log "s3: npm install failed"
    tail_logs "$LOGS/npm.log"
    return 1
  fi
  log "s3: installed s3rver in $(elapsed "$t0")"
}

s3rver_write_launcher() {
  cat >"$S3DIR/s3rver/s3-server.js" <<'EOF'
// Launcher for s3rver 3.7.1, written by deploy/local/infra.sh. Usage: node s3-server.js DIR ADDRESS PORT BUCKET...
// Fixes (shared/notes/STACK.md section 3):
//  - s3rver only accepts the access key S3RVER: also register $S3_ACCESS_KEY and minioadmin.
//    (SigV4 signatures are not verified, so any secret works.)
//  - s3rver answers listings in the namespace http://doc.s3.amazonaws.com/2006-03-01/; Minio .NET then
//    silently sees empty lists. Rewrite it to the real S3 namespace.
// AWSSDK.S3 clients must still set UseChunkEncoding = false on PutObjectRequest against s3rver.
'use strict';
const S3rver = require('s3rver');
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');

const [dir, address, port, ...buckets] = process.argv.slice(2);
DUMMY_ACCOUNT.createKeyPair('minioadmin', 'minioadmin');
if (process.env.S3_ACCESS_KEY) DUMMY_ACCOUNT.createKeyPair(process.env.S3_ACCESS_KEY, process.env.S3_SECRET_KEY || 'secret');

const server = new S3rver({
  directory: dir,
  address,
  port: Number(port),
  silent: false,
  vhostBuckets: false,
  allowMismatchedSignatures: true,
  configureBuckets: buckets.map(name => ({ name, configs: [] })),
});
server.middleware.unshift(async (ctx, next) => {
  await next();
  if (typeof ctx.body === 'string' && ctx.body.includes('http://doc.s3.amazonaws.com/2006-03-01/')) {
    ctx.body = ctx.body.split('http://doc.s3.amazonaws.com/2006-03-01/').join('http://s3.amazonaws.com/doc/2006-03-01/');
  }
});
server.run().then(
  addr => console.log(`s3rver listening on ${addr.address}:${addr.port}`),
  err => { console.error(err); process.exit(1); },
);
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
EOF
}

s3_ensure_bucket() {
  [[ $(http_code -I "http://127.0.0.1:$S3_PORT/$S3_BUCKET") == 200 ]] && return 0
  local code
  code=$(http_code -X PUT "http://127.0.0.1:$S3_PORT/$S3_BUCKET")
  [[ $(http_code -I "http://127.0.0.1:$S3_PORT/$S3_BUCKET") == 200 ]] ||
    { log "s3: could not create bucket $S3_BUCKET (PUT answered $code)"; return 1; }
}

s3_up() {
  local t0 kind moto
  t0=$(now_ms)
  if s3_alive && s3_ready; then
    s3_ensure_bucket || return 1
    log "s3: already running ($(cat "$S3DIR/kind"), pid $(pid_of "$S3DIR/server.pid"))"
    return 0
  fi
  kill_pidfile "$S3DIR/server.pid" "$(s3_pattern)" 5 # a stale or hung one
  kind=$(s3_kind) || return 1
  install -d -m 755 "$S3DIR"
  if [[ $kind == s3rver ]]; then
    s3rver_install || return 1
    s3rver_write_launcher
    install -d -m 755 "$S3DIR/data"
  fi
  require_free_port "$S3_PORT" "S3" || return 1
  echo "$kind" >"$S3DIR/kind"
  if [[ $kind == moto ]]; then
    moto=$(find_moto)
    (cd "$S3DIR" && exec setsid "$moto" -H 127.0.0.1 -p "$S3_PORT" </dev/null >>"$LOGS/s3.log" 2>&1 9>&-) &
  else
    (cd "$S3DIR/s3rver" && S3_ACCESS_KEY=$S3_ACCESS_KEY S3_SECRET_KEY=$S3_SECRET_KEY \
      exec setsid node s3-server.js "$S3DIR/data" 127.0.0.1 "$S3_PORT" "$S3_BUCKET" </dev/null >>"$LOGS/s3.log" 2>&1 9>&-) &
  fi
  echo $! >"$S3DIR/server.pid"
  local deadline=$((SECONDS + TIMEOUT))
  until s3_ready; do
    if ! pid_running "$S3DIR/server.pid"; then
      log "s3: $kind exited during start-up"
      tail_logs "$LOGS/s3.log"
      return 1
    fi
    ((SECONDS < deadline)) || { log "s3: not answering after ${TIMEOUT}s"; tail_logs "$LOGS/s3.log"; return 1; }
    sleep 0.2
  done
  s3_ensure_bucket || { tail_logs "$LOGS/s3.log"; return 1; }
  log "s3: ready in $(elapsed "$t0") ($kind on 127.0.0.1:$S3_PORT, bucket $S3_BUCKET)"
}

s3_down() {
  local t0
  t0=$(now_ms)
  kill_pidfile "$S3DIR/server.pid" "$(s3_pattern)" 5
  log "s3: stopped in $(elapsed "$t0")"
}

# ---------------------------------------------------------------------------------------------- commands

write_env() {
  cat >"$STATE/env.sh.tmp" <<EOF
export REFINERY_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$RABBITMQ_PORT/"
export REFINERY_TEST_RABBITMQ_MANAGEMENT="http://127.0.0.1:$RABBITMQ_MGMT_PORT"
export REFINERY_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD;Database=$DB_NAME"
export REFINERY_TEST_S3_ENDPOINT="127.0.0.1:$S3_PORT"
export REFINERY_TEST_S3_ACCESS_KEY="$S3_ACCESS_KEY"
export REFINERY_TEST_S3_SECRET_KEY="$S3_SECRET_KEY"
export REFINERY_TEST_S3_BUCKET="$S3_BUCKET"
EOF
  mv -f "$STATE/env.sh.tmp" "$STATE/env.sh"
}

lock_state() {
  exec 9>"$STATE/.lock"
  flock -w 600 9 || die "another infra.sh is holding $STATE/.lock"
}

cmd_up() {
  local t0
  t0=$(now_ms)
  install -d -m 755 "$STATE" "$LOGS"
  touch "$STATE/.refinery-infra"
  lock_state
  install_missing

  # RabbitMQ boots slowest (~7 s): all three start and get ready in parallel.
  local names=(rabbitmq postgres s3) pids=() failed=() i
  rabbit_up & pids+=($!)
  pg_up & pids+=($!)
  s3_up & pids+=($!)
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed+=("${names[$i]}")
  done
  if ((${#failed[@]})); then
    die "failed to start: ${failed[*]} (logs in $LOGS; '$0 down' stops what did start)"
  fi
  write_env
  log "up in $(elapsed "$t0"); environment in $STATE/env.sh"
}

cmd_down() {
  local t0
  t0=$(now_ms)
  if [[ -d $STATE ]]; then
    install -d -m 755 "$LOGS" "$LOGS/rabbitmq"
    lock_state
    local pids=() rc=0
    rabbit_down & pids+=($!)
    pg_down & pids+=($!)
    s3_down & pids+=($!)
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    ((rc == 0)) || log "some servers did not stop cleanly"
  else
    log "nothing to stop: $STATE does not exist"
  fi
  if [[ ${PURGE:-0} == 1 && -d $STATE ]]; then
    case $(cd "$STATE" && pwd -P) in
      / | /tmp | /root | /home | /usr | /var) die "refusing to delete $STATE" ;;
    esac
    [[ -e $STATE/.refinery-infra ]] || die "refusing to delete $STATE: it was not created by infra.sh"
    rm -rf "$STATE"
    log "purged $STATE"
  fi
  log "down in $(elapsed "$t0")"
}

cmd_status() {
  local down=0 line
  if rabbit_node_alive && rabbit_ready; then
    line="running  pid $(pid_of "$RDIR/rabbit.pid")  amqp://127.0.0.1:$RABBITMQ_PORT  http://127.0.0.1:$RABBITMQ_MGMT_PORT"
  elif rabbit_node_alive || rabbit_launcher_alive; then
    line="starting or unhealthy (process alive, management API not answering)"; down=1
  else
    line="down"; down=1
  fi
  printf '%-9s %s\n' rabbitmq "$line"
  if pg_running && pg_ready; then
    line="running  pid $(head -1 "$PGDIR/data/postmaster.pid")  127.0.0.1:$PG_PORT"
  elif pg_running; then
    line="starting or unhealthy (postmaster alive, not accepting connections)"; down=1
  else
    line="down"; down=1
  fi
  printf '%-9s %s\n' postgres "$line"
  if s3_alive && s3_ready; then
    line="running  pid $(pid_of "$S3DIR/server.pid")  $(cat "$S3DIR/kind")  http://127.0.0.1:$S3_PORT"
  elif s3_alive; then
    line="starting or unhealthy (process alive, not answering HTTP)"; down=1
  else
    line="down"; down=1
  fi
  printf '%-9s %s\n' s3 "$line"
  return $down
}

cmd_env() {
  [[ -f $STATE/env.sh ]] || die "$STATE/env.sh does not exist: run '$0 up' first"
  cat "$STATE/env.sh"
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 up|down|status|env   (state: $STATE; PURGE=1 $0 down deletes it)" >&2
    exit 2
    ;;
esac
