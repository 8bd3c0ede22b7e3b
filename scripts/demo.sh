#!/usr/bin/env bash
# The local demo on the embedded default. Until the failover pipeline lands (issues "pipeline" and
# "demo"), it shows the foundation every podguard service stands on: a local nats-server with
# JetStream, podguard's streams and KV buckets, and a typed Alert travelling over the bus to a tap.
# It stops everything it started, on success, on error and on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;32m[demo]\033[0m %s\n' "$*"; }

bin_dir=$(swift build --show-bin-path)
state_dir=$(mktemp -d -t podguard-demo.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$state_dir"
    say "stopped everything the demo started"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

nats_port=$(free_port)
cat > "$state_dir/nats.conf" <<CONF
listen: 127.0.0.1:$nats_port
jetstream { store_dir: "$state_dir/jetstream" }
CONF
nats-server -c "$state_dir/nats.conf" > "$state_dir/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null && break
    sleep 0.1
done
say "started nats-server $(nats-server --version | awk '{print $2}') with JetStream on nats://127.0.0.1:$nats_port (store: $state_dir/jetstream)"

tap_port=$(free_port)
export PODGUARD_BUS_SERVERS="nats://127.0.0.1:$nats_port"
export PODGUARD_LOG_FORMAT=text
"$bin_dir/podguard-tap" --http.port "$tap_port" --tap.ensureTopology --tap.publishTestAlert \
    --tap.exitAfterMessages 1 > "$state_dir/tap.out" 2> "$state_dir/tap.log" &
tap_pid=$!
pids+=($tap_pid)
say "started podguard-tap (health and metrics on http://127.0.0.1:$tap_port): it creates podguard's streams and buckets, subscribes to podguard.v1.>, and publishes one test Alert"

status=0
wait "$tap_pid" || status=$?
if [ "$status" -ne 0 ]; then
    say "podguard-tap failed (exit $status); its log:"
    cat "$state_dir/tap.log" >&2
    exit "$status"
fi
say "the tap received and decoded this message from the bus:"
cat "$state_dir/tap.out"
say "what it set up on the bus:"
grep -E 'stream|bucket' "$state_dir/tap.log" | sed 's/^/    /' || true
say "the failover pipeline (watcher, array-prober, decision, fencing, node-cleanup, adapters) is not built yet;"
say "the full demo on a simulated cluster and arrays comes with the issues 'pipeline' and 'demo'."
