#!/usr/bin/env bash
# Load test on loopback with wrk (Debian's package): cached public lookups,
# the same lookups signed in (not cached: the alternative), and a mix of
# lookups, searches and submissions; first one instance, then two sharing
# PostgreSQL and Redis. Prints wrk's figures and each server's peak memory.
#
#   backend/benches/load/run.sh   # DURATION=20s CONNECTIONS=64 MIX_CONNECTIONS=16
#
# Needs PostgreSQL and Redis on their usual local ports; creates and drops the
# database `sugit_load` and uses Redis keys under a prefix of its own.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=backend/benches/load
duration=${DURATION:-20s}
connections=${CONNECTIONS:-64}
# The mix saturates the 2 cores at a few dozen connections; past that, more
# connections only queue (the same throughput, a longer p99): it runs at both.
mix_connections=${MIX_CONNECTIONS:-16}
database=sugit_load
work=$(mktemp -d /tmp/sugit-load.XXXXXX)
prefix="sugit-load-$$:"
pids=()

command -v wrk >/dev/null || { echo "instale wrk: apt-get install wrk" >&2; exit 1; }
# The same targets as compare.sh: the example brings dev-dependencies into
# feature resolution, and building without it would rebuild the server.
cargo build --release --locked --quiet -p sugit --bin sugit --example bare_axum
binary=target/release/sugit

# shellcheck source=common.sh
source "$here/common.sh"

# start PORT DEMO: a release server, ready when /readyz says so.
start() {
  SUGIT_LISTEN="127.0.0.1:$1" SUGIT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database" \
    SUGIT_REDIS_URL=redis://127.0.0.1:6379 SUGIT_REDIS_PREFIX="$prefix" SUGIT_INDEX_DIR="$work/index-$1" \
    SUGIT_CONFIG="$work/sugit.toml" SUGIT_DEMO="$2" RUST_LOG=warn \
    "$binary" serve >"$work/server-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$1/readyz" >/dev/null && return 0
    sleep 0.5
  done
  echo "el servidor del puerto $1 no arrancó" >&2; cat "$work/server-$1.log" >&2; exit 1
}

peak_memory() {
  curl -fs "http://127.0.0.1:$1/metrics" | awk '/^sugit_process_peak_resident_memory_bytes/ { printf "%.0f MiB", $2 / 1048576 }'
}

hit_ratio() {
  curl -fs "http://127.0.0.1:$1/metrics" | awk '/^sugit_cache_hit_ratio/ { printf "%.3f", $2 }'
}

start 18081 true
# The demo's Antioquia user: it reports for any of the department's 125 municipalities.
SUGIT_TOKEN=$(curl -fs http://127.0.0.1:18081/graphql -H 'content-type: application/json' \
  -d '{"query":"mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}","variables":{"e":"gobernacion@antioquia.demo.gov.co","p":"demo-sugit-2025"}}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["login"]["token"])')
export SUGIT_TOKEN

# run NAME SCRIPT CONNECTIONS PORT...: one wrk per instance, the connections split between them.
run() {
  local name=$1 script=$2 total=$3; shift 3
  local per=$((total / $#)) outputs=() runs=()
  echo
  echo "== $name: $# instancia(s), $total conexiones, $duration"
  for port in "$@"; do
    wrk -t1 -c"$per" -d"$duration" --latency -s "$here/$script" "http://127.0.0.1:$port" >"$work/wrk-$port.txt" 2>&1 &
    runs+=($!)
    outputs+=("$work/wrk-$port.txt")
  done
  wait "${runs[@]}"
  for output in "${outputs[@]}"; do
    grep -E "Requests/sec|Latency  |^ +(50|90|99)%|Non-2xx|errors|error" "$output" || true
  done
}

mix="mezcla: 40 % consultas, 40 % búsquedas, 20 % envíos"
SUGIT_TOKEN= run "consultas públicas (caché)" lookups.lua "$connections" 18081
run "consultas con sesión (sin caché pública)" lookups.lua "$connections" 18081
run "$mix" mix.lua "$mix_connections" 18081
run "$mix" mix.lua "$connections" 18081
echo "memoria máxima 1 instancia: $(peak_memory 18081); aciertos de caché: $(hit_ratio 18081)"

start 18082 false
SUGIT_TOKEN= run "consultas públicas (caché)" lookups.lua "$connections" 18081 18082
run "$mix" mix.lua "$mix_connections" 18081 18082
run "$mix" mix.lua "$connections" 18081 18082
echo "memoria máxima: $(peak_memory 18081) y $(peak_memory 18082); aciertos de caché: $(hit_ratio 18081) y $(hit_ratio 18082)"
