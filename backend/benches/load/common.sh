# Sourced by run.sh and compare.sh: a fresh database for the run, a TOML
# that lifts the rate limits (the load is one client), and a cleanup on exit
# of the servers started, this run's Redis keys, the database and the folder.
# Expects from the caller: `database`, `work`, `prefix` and the array `pids`.

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  redis-cli -h 127.0.0.1 --scan --pattern "${prefix}*" | xargs -r redis-cli -h 127.0.0.1 del >/dev/null
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
cat > "$work/sugit.toml" <<TOML
[limits]
requests_per_minute = 100000000
anonymous_requests_per_minute = 100000000
TOML
