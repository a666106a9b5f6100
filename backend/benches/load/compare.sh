#!/usr/bin/env bash
# SUGIT beside the alternatives in one run (issue #26): bare axum (the
# ceiling), PostGraphile 4.14 serving the same PostgreSQL, and SUGIT itself,
# anonymous and signed in. Every run is wrk on loopback with the same
# connections; graphql.lua counts any non-200 or GraphQL error.
#
#   backend/benches/load/compare.sh   # DURATION=20s CONNECTIONS=64
#
# Needs PostgreSQL and Redis on their usual local ports, wrk (apt-get install
# wrk) and npm (PostGraphile is installed into a temporary folder). Creates and
# drops the database `sugit_compare`.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=backend/benches/load
duration=${DURATION:-20s}
connections=${CONNECTIONS:-64}
database=sugit_compare
work=$(mktemp -d /tmp/sugit-compare.XXXXXX)
prefix="sugit-compare-$$:"
pids=()

command -v wrk >/dev/null || { echo "instale wrk: apt-get install wrk" >&2; exit 1; }
command -v npm >/dev/null || { echo "instale npm (Node 20)" >&2; exit 1; }
cargo build --release --locked --quiet -p sugit --bin sugit --example bare_axum

# shellcheck source=common.sh
source "$here/common.sh"

# ready URL: waits until the URL answers (a POST of an empty query counts).
ready() {
  for _ in $(seq 1 240); do
    curl -s -o /dev/null -X POST -H 'content-type: application/json' -d '{"query":"{__typename}"}' "$1" && return 0
    sleep 0.5
  done
  echo "no arrancó: $1" >&2; exit 1
}

SUGIT_LISTEN=127.0.0.1:18081 SUGIT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database" \
  SUGIT_REDIS_URL=redis://127.0.0.1:6379 SUGIT_REDIS_PREFIX="$prefix" SUGIT_INDEX_DIR="$work/index" \
  SUGIT_CONFIG="$work/sugit.toml" SUGIT_DEMO=true RUST_LOG=warn \
  target/release/sugit serve >"$work/sugit.log" 2>&1 &
pids+=($!)
ready http://127.0.0.1:18081/graphql
curl -fs http://127.0.0.1:18081/readyz >/dev/null

target/release/examples/bare_axum 18090 &
pids+=($!)
ready http://127.0.0.1:18090/graphql

echo "== Instalando PostGraphile 4.14 en $work/postgraphile"
npm install --silent --no-audit --no-fund --prefix "$work/postgraphile" postgraphile@4.14 >/dev/null
"$work/postgraphile/node_modules/.bin/postgraphile" -c "postgres://postgres@127.0.0.1:5432/$database" \
  --schema public --host 127.0.0.1 --port 18091 --disable-query-log >"$work/postgraphile.log" 2>&1 &
pids+=($!)
ready http://127.0.0.1:18091/graphql

token=$(curl -fs http://127.0.0.1:18081/graphql -H 'content-type: application/json' \
  -d '{"query":"mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}","variables":{"e":"gobernacion@antioquia.demo.gov.co","p":"demo-sugit-2025"}}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["login"]["token"])')

# run NAME PORT TOKEN QUERY: wrk with one thread per core.
run() {
  echo
  echo "== $1"
  QUERY="$4" SUGIT_TOKEN="$3" wrk -t2 -c"$connections" -d"$duration" --latency -s "$here/graphql.lua" \
    "http://127.0.0.1:$2" 2>&1 | grep -E "Requests/sec|Latency  |^ +(50|99)%|Non-2xx|errors|fallida"
}

list='{ territorialEntities(first: 20) { edges { node { code name department { code name } } } } }'
mine='{ me { name } territorialEntities(first: 20) { edges { node { code name department { code name } } } } }'
graphile='{ allTerritorialEntities(first: 20, orderBy: CODE_ASC) { nodes { code name territorialEntityByDepartmentCode { code name } } } }'
search='{ searchKnowledge(query: \"plan de desarrollo\", first: 10) { totalCount edges { node { title snippet } } } }'

run "axum desnudo: JSON fijo (el techo)" 18090 "" '{ __typename }'
run "PostGraphile 4.14: 20 entidades con su departamento" 18091 "" "$graphile"
run "SUGIT anónimo: territorialEntities(first: 20) con departamento (caché pública)" 18081 "" "$list"
run "SUGIT con sesión: territorialEntities(first: 20) con departamento (solo campos públicos: caché pública)" 18081 "$token" "$list"
run "SUGIT con sesión: la misma lista y me { name } (depende de quién pregunta: sin caché)" 18081 "$token" "$mine"
run "SUGIT anónimo: { __typename } (se ejecuta: más barato que la caché)" 18081 "" '{ __typename }'
run "SUGIT con sesión: { __typename }" 18081 "$token" '{ __typename }'
run "SUGIT con sesión: searchKnowledge «plan de desarrollo» (base de demostración)" 18081 "$token" "$search"
