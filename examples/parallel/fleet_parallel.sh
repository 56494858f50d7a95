#!/usr/bin/env bash
# The map step on GNU parallel: N `allocscope batch --shard K/N` runs (locally, or on several
# hosts with --sshlogin), then `allocscope fleet` merges the shards into the summary one machine
# would make. Every host needs allocscope and the inputs at the same paths.
#
#   examples/parallel/fleet_parallel.sh OUT_DIR N INPUT...            # N local jobs
#   PARALLEL_SSH_LOGINS=host1,host2 examples/parallel/fleet_parallel.sh /shared/out 8 /shared/logs
#
# ALLOCSCOPE overrides the command (default: allocscope), e.g. ALLOCSCOPE="node bin/run.js".
set -euo pipefail
out=$1 n=$2
shift 2
mkdir -p "$out"
allocscope=${ALLOCSCOPE:-allocscope}
remote=()
[ -n "${PARALLEL_SSH_LOGINS:-}" ] && remote=(--sshlogin "$PARALLEL_SSH_LOGINS" --workdir "$PWD")
# One job per shard; parallel groups each job's output (--group, its default), so the shards'
# NDJSON lines come back whole into one local file, wherever the jobs ran.
seq 1 "$n" | parallel --will-cite --group --halt now,fail=1 "${remote[@]}" \
  "$allocscope batch --jobs 1 --shard {}/$n $(printf '%q ' "$@")" > "$out/shards.ndjson"
$allocscope fleet --json "$out/shards.ndjson" > "$out/fleet.json"
cat "$out/fleet.json"
