#!/usr/bin/env bash
# Runs the Python alerts example (docs/examples/python/podguard_alerts.py,
# docs/subscribing-to-alerts.md) against a real nats-server the way an installation runs it:
#
#   1. Python code generated from proto/podguard/v1/*.proto with Debian's protoc, into a temp dir
#   2. a throwaway CA, a server and a client certificate (openssl); nats-server (Debian's) on
#      127.0.0.1 at a free port, JetStream in a temp store, TLS with client certificates verified,
#      and podguard's users and permissions as `podguard-bus permissions --format nats` renders them
#   3. the topology installed as the administrator (`podguard-bus install`)
#   4. the example as the read-only observer user: an ordered (ephemeral) reader, and a reader with a
#      durable consumer; `podguard-tap --tap.publishTestAlert true` (administrator) publishes a real
#      typed Alert; both must print it decoded (severity info, reason TestAlert, the tap's summary)
#   5. a second alert published while the durable reader is down: the same --durable must deliver it
#      (and not the first again) when it comes back; nats-server restarted under it, it reconnects
#      and prints a third; --since all with filters prints all three; the durable consumer is
#      deleted with --delete-durable
#   6. the server restarted with podguard's users as NKey users (--nkeys); the example reads with the
#      observer's seed file
#   7. the server refused the example nothing (no permissions violation in its logs or the example's)
#
# Every process it starts is stopped on exit (also on failure and Ctrl-C), and the temp dir removed.
#
# Usage: examples-check.sh [BIN]   BIN: podguard's executables (podguard-bus, podguard-tap);
#        default $BIN, else `swift build --show-bin-path` (the debug build `make test` made).
# Environment: PODGUARD_CACHE_DIR (where setup.sh made the examples' venv), BUILD_FLAGS, KEEP_WORK=1
# (keep the temp dir and print its path).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/tools.sh
source scripts/tools.sh
export PATH="$PATH:/opt/swift/usr/bin"

log() { printf '\033[1;34m[examples-check]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[examples-check]\033[0m %s\n' "$*" >&2; exit 1; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

[ $# -le 1 ] || die "usage: examples-check.sh [BIN]"
BIN="${1:-${BIN:-}}"
if [ -z "$BIN" ]; then
    # shellcheck disable=SC2086  # BUILD_FLAGS is a list of flags
    BIN="$(swift build --show-bin-path ${BUILD_FLAGS:-})"
fi
for exe in podguard-bus podguard-tap; do
    [ -x "$BIN/$exe" ] || die "$BIN/$exe not found: build first (make build-tests), or give the directory: examples-check.sh BIN"
done
podguard_require_examples_python || exit 1
for tool in nats-server protoc openssl; do
    command -v "$tool" >/dev/null || die "$tool not found: run \`make setup\`"
done
PY="$PODGUARD_EXAMPLES_PYTHON"
EXAMPLE="$ROOT/docs/examples/python/podguard_alerts.py"
T0=$(date +%s%N)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/podguard-examples.XXXXXX")"
PIDS=()
cleanup() {
    local rc=$?
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ $rc -ne 0 ]; then
        for f in "$WORK"/*.log "$WORK"/*.out "$WORK"/*.err; do
            [ -s "$f" ] || continue
            printf -- '--- %s (last 30 lines)\n' "${f#"$WORK"/}" >&2
            tail -n 30 "$f" >&2
        done
    fi
    if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits up to $2 seconds for file $1 to contain the fixed string $3.
wait_for_text() {
    local file=$1 seconds=$2 text=$3 deadline=$(( $(date +%s) + $2 ))
    until grep -qF -- "$text" "$file" 2>/dev/null; do
        [ "$(date +%s)" -lt "$deadline" ] || die "no '$text' in ${file#"$WORK"/} after ${seconds}s"
        sleep 0.1
    done
}

# Waits up to $2 seconds for process $1 to exit; its status is the function's.
wait_exit() {
    local pid=$1 deadline=$(( $(date +%s) + $2 ))
    while kill -0 "$pid" 2>/dev/null; do
        [ "$(date +%s)" -lt "$deadline" ] || return 124
        sleep 0.1
    done
    wait "$pid"
}

# 1. Python code from the .proto files (never committed: protoc makes it in a second).
mkdir -p "$WORK/gen"
protoc -I proto --python_out="$WORK/gen" proto/podguard/v1/*.proto
export PODGUARD_PROTO_PYTHON="$WORK/gen"
log "generated Python code from proto/podguard/v1 ($(protoc --version)); $("$PY" -c 'import google.protobuf as p, nats.aio.client as c; print("protobuf", p.__version__, "nats-py", c.__version__)')"

# 2. Certificates, users, server.
(
    cd "$WORK"
    key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${key[@]}" -keyout ca.key -out ca.crt -days 1 -subj "/CN=podguard examples CA"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    for name in server client; do
        openssl req "${key[@]}" -keyout "$name.key" -out "$name.csr" -subj "/CN=podguard examples $name"
        openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$name.crt" -days 1 -extfile "$name.ext"
    done
) >"$WORK/openssl.log" 2>&1 || die "openssl could not make the test certificates"

"$BIN/podguard-bus" permissions --format nats --families generic > "$WORK/accounts.conf"
# Every user's password comes from PODGUARD_NATS_<ROLE>_PASSWORD in the server's environment. The
# server parses a variable's value as a configuration value: it starts with a letter, so it stays a
# string (a value like 3e5... would be read as a number and refused).
mapfile -t password_variables < <(grep -o 'PODGUARD_NATS_[A-Z_]*_PASSWORD' "$WORK/accounts.conf" | sort -u)
for variable in "${password_variables[@]}"; do
    export "$variable=pw$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
done
[ -n "${PODGUARD_NATS_OBSERVER_PASSWORD:-}" ] && [ -n "${PODGUARD_NATS_ADMIN_PASSWORD:-}" ] ||
    die "podguard-bus permissions rendered no observer or admin user"

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat > "$WORK/nats.conf" <<EOF
server_name: podguard-examples
listen: 127.0.0.1:$PORT
jetstream { store_dir: "$WORK/jetstream" }
tls {
  cert_file: "$WORK/server.crt"
  key_file: "$WORK/server.key"
  ca_file: "$WORK/ca.crt"
  verify: true
  timeout: 5
}
include ./accounts.conf
EOF
# Starts nats-server with that configuration; its log in $WORK/nats-server-$1.log.
start_server() {
    nats-server -c "$WORK/nats.conf" >"$WORK/nats-server-$1.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_for_text "$WORK/nats-server-$1.log" 20 "Server is ready"
}
start_server first
log "nats-server $(nats-server --version | awk '{print $2}') on 127.0.0.1:$PORT: JetStream, TLS with client certificates, podguard's ${#password_variables[@]} users"

# The bus keys podguard's services read, and the same variables for the example (PODGUARD_BUS_*).
export PODGUARD_BUS_SERVERS="tls://127.0.0.1:$PORT"
export PODGUARD_BUS_TLS_CA_FILE="$WORK/ca.crt" PODGUARD_BUS_TLS_CERT_FILE="$WORK/client.crt" PODGUARD_BUS_TLS_KEY_FILE="$WORK/client.key"
as_admin() { PODGUARD_BUS_USER=podguard-admin PODGUARD_BUS_PASSWORD="$PODGUARD_NATS_ADMIN_PASSWORD" "$@"; }
as_observer() { PODGUARD_BUS_USER=podguard-observer PODGUARD_BUS_PASSWORD="$PODGUARD_NATS_OBSERVER_PASSWORD" "$@"; }

# 3. The topology, as the administrator.
as_admin "$BIN/podguard-bus" install --log.level warning >"$WORK/bus-install.log" 2>&1 || die "podguard-bus install failed"
log "topology installed (podguard-bus install, as podguard-admin)"

# Starts the example as the observer in the background: start_example NAME ARGS...; waits until it
# reads (its consumer exists). Output in $WORK/NAME.out, diagnostics in $WORK/NAME.err.
start_example() {
    local name=$1
    shift
    as_observer "$PY" "$EXAMPLE" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
    local pid=$!
    PIDS+=("$pid")
    eval "PID_${name//-/_}=$pid"
    wait_for_text "$WORK/$name.err" 30 "podguard_alerts: ready"
}

# Publishes one test Alert as the administrator; prints its alert id.
publish_test_alert() {
    local out="$WORK/tap-$1.out"
    as_admin timeout 60 "$BIN/podguard-tap" --tap.publishTestAlert true --tap.exitAfterMessages 1 \
        --bus.installTopology false --http.port 0 --log.level warning >"$out" 2>"$WORK/tap-$1.log" ||
        die "podguard-tap could not publish a test alert"
    "$PY" -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["message"]["alertId"])' "$out"
}

# Reads field F of the Alert of the first JSON line of the example's output file.
alert_field() { "$PY" -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["alert"].get(sys.argv[2], ""))' "$1" "$2"; }

SUMMARY="podguard-tap test alert: the bus carries typed messages end to end"

# 4. An ordered (ephemeral) reader printing lines, and a durable reader printing JSON, both live.
start_example ordered --count 1
start_example durable1 --durable examples-check --json --count 1
FIRST_ID="$(publish_test_alert first)"
log "published test alert $FIRST_ID (podguard-tap, as podguard-admin)"
wait_exit "$PID_ordered" 30 || die "the ordered reader did not print the alert and exit (status $?)"
wait_exit "$PID_durable1" 30 || die "the durable reader did not print the alert and exit (status $?)"
line="$(cat "$WORK/ordered.out")"
[ "$(wc -l < "$WORK/ordered.out")" -eq 1 ] || die "the ordered reader printed $(wc -l < "$WORK/ordered.out") lines, expected 1"
[[ "$line" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\ info\ +TestAlert\ node=-\ pod=-\ "$SUMMARY"$ ]] ||
    die "the ordered reader printed an unexpected line: $line"
log "ordered reader (observer): $line"
[ "$(alert_field "$WORK/durable1.out" alertId)" = "$FIRST_ID" ] || die "the durable reader printed another alert: $(cat "$WORK/durable1.out")"
[ "$(alert_field "$WORK/durable1.out" reason)" = TestAlert ] && [ "$(alert_field "$WORK/durable1.out" severity)" = SEVERITY_INFO ] &&
    [ "$(alert_field "$WORK/durable1.out" summary)" = "$SUMMARY" ] || die "the durable reader decoded it wrongly: $(cat "$WORK/durable1.out")"
log "durable reader (observer, --json): alert $FIRST_ID, SEVERITY_INFO, TestAlert, the tap's summary"

# 5. Published while the durable reader is down: delivered when it comes back with the same name.
SECOND_ID="$(publish_test_alert second)"
log "published test alert $SECOND_ID while the durable reader was down"
start_example durable2 --durable examples-check --json --count 2
grep -qF "with durable consumer examples-check (resumed, 1 pending" "$WORK/durable2.err" ||
    die "the durable reader did not resume the consumer it made, with the missed alert pending: $(grep ready "$WORK/durable2.err")"
wait_for_text "$WORK/durable2.out" 30 "$SECOND_ID"
[ "$(alert_field "$WORK/durable2.out" alertId)" = "$SECOND_ID" ] ||
    die "the durable reader, back, printed $(alert_field "$WORK/durable2.out" alertId) first, expected the missed $SECOND_ID"
log "durable reader, back with --durable examples-check: the missed alert $SECOND_ID, and not the first again"

# The server restarts under the running durable reader (same store and port): it reconnects and
# reads on.
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
start_server second
THIRD_ID="$(publish_test_alert third)"
wait_exit "$PID_durable2" 60 || die "the durable reader did not read on after the server restarted (status $?)"
[ "$(sed -n 2p "$WORK/durable2.out" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["alert"]["alertId"])')" = "$THIRD_ID" ] ||
    die "after the server restarted the durable reader printed $(sed -n 2p "$WORK/durable2.out"), expected $THIRD_ID"
log "nats-server restarted under the durable reader: it reconnected and printed the next alert $THIRD_ID"

start_example history --since all --severity info --reason TestAlert --count 3 --json
wait_exit "$PID_history" 30 || die "--since all did not print the three alerts (status $?)"
got="$("$PY" -c 'import json, sys; print(" ".join(json.loads(l)["alert"]["alertId"] for l in open(sys.argv[1])))' "$WORK/history.out")"
[ "$got" = "$FIRST_ID $SECOND_ID $THIRD_ID" ] ||
    die "--since all --severity info --reason TestAlert printed $got, expected $FIRST_ID $SECOND_ID $THIRD_ID"
log "--since all --severity info --reason TestAlert: the three alerts, in order"

as_observer "$PY" "$EXAMPLE" --durable examples-check --delete-durable >"$WORK/delete.out" 2>"$WORK/delete.err" ||
    die "--delete-durable failed"
log "--delete-durable: the observer deleted its durable consumer"

# 6. NKey users: the same server and store restarted with podguard's users rendered as NKey users
# (`podguard-bus permissions --nkeys`, a key pair per role made here); the example authenticates with
# the observer's seed file alone (no user name: inboxes _INBOX.podguard-observer).
mapfile -t roles < <(sed -n 's/^ *# \([a-z0-9-]*\)$/\1/p' "$WORK/accounts.conf")
[ ${#roles[@]} -gt 0 ] || die "no roles found in the rendered accounts block"
mkdir -p "$WORK/nkeys"
"$PY" - "$WORK/nkeys" "${roles[@]}" <<'PYTHON' || die "could not make the NKey pairs"
# An NKey user pair per role: ed25519 keys written as NATS writes them (prefix bytes, CRC-16/XMODEM,
# base32), checked against the nkeys package that nats-py signs with. (No "coding" word followed by
# a colon in the first two lines: Python would read it as the source's character set.)
import base64, os, sys
import nacl.signing, nkeys

def crc16(data):
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc

def encode(raw):
    crc = crc16(raw)
    return base64.b32encode(bytes(raw) + bytes([crc & 0xFF, crc >> 8])).decode().rstrip("=")

directory, roles = sys.argv[1], sys.argv[2:]
user = 20 << 3  # 'U'
with open(os.path.join(directory, "public-keys"), "w") as public_keys:
    for role in roles:
        key = nacl.signing.SigningKey.generate()
        seed = encode([(18 << 3) | (user >> 5), (user & 31) << 3] + list(bytes(key)))
        public = encode([user] + list(bytes(key.verify_key)))
        assert nkeys.from_seed(bytearray(seed.encode())).public_key.decode() == public
        with open(os.path.join(directory, role + ".nk"), "w") as seed_file:
            seed_file.write(seed + "\n")
        public_keys.write(f"{role} {public}\n")
PYTHON
"$BIN/podguard-bus" permissions --format nats --families generic --nkeys "$WORK/nkeys/public-keys" > "$WORK/accounts.conf"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
start_server nkeys
PODGUARD_BUS_NKEY_SEED_FILE="$WORK/nkeys/observer.nk" "$PY" "$EXAMPLE" --since all --count 3 --json \
    >"$WORK/nkey.out" 2>"$WORK/nkey.err" </dev/null &
PID_nkey=$!
PIDS+=("$PID_nkey")
wait_exit "$PID_nkey" 30 || die "the example with the observer's NKey seed did not print the three alerts (status $?)"
got="$("$PY" -c 'import json, sys; print(" ".join(json.loads(l)["alert"]["alertId"] for l in open(sys.argv[1])))' "$WORK/nkey.out")"
[ "$got" = "$FIRST_ID $SECOND_ID $THIRD_ID" ] || die "with the NKey seed the example printed $got, expected $FIRST_ID $SECOND_ID $THIRD_ID"
log "NKey users (podguard-bus permissions --nkeys): the example with the observer's seed read the three alerts"

# 7. Nothing was refused: the server logs "Publish Violation" / "Subscription Violation", a client
# hears "Permissions Violation".
if grep -iE 'violation' "$WORK"/nats-server-*.log "$WORK"/*.err >&2; then
    die "the server refused the example something (above)"
fi
log "the server refused nothing; 7 checks passed in $(ms_since "$T0") ms"
