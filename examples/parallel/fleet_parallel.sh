#!/usr/bin/env bash
# The map step on GNU parallel: N `allocscope batch --shard K/N` runs (locally, or on several
# hosts with --sshlogin), then `allocscope fleet` merges the shards into the summary one machine
# would make. Every host needs allocscope and the inputs at the same paths.
#
#   examples/parallel/fleet_parallel.sh OUT_DIR N INPUT...            # N local jobs
#   PARALLEL_SSH_LOGINS=host1,host2 examples/parallel/fleet_parallel.sh /shared/out 8 /shared/logs
#
# ALLOCSCOPE is the command, as a shell command line (e.g. ALLOCSCOPE="node bin/run.js"); by
# default `allocscope` when it is on PATH, else this clone's own CLI (node <repo>/bin/run.js, built
# with npm run build), so the script runs from a fresh clone as it is.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 OUT_DIR N INPUT..." >&2
  exit 2
fi
out=$1 n=$2
shift 2
if [ -n "${ALLOCSCOPE:-}" ]; then
  allocscope=$ALLOCSCOPE which=ALLOCSCOPE
elif command -v allocscope >/dev/null; then
  allocscope=allocscope which="allocscope on PATH"
else
  clone=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  allocscope="node $(printf '%q' "$clone/bin/run.js")" which="this clone's CLI: allocscope is not on PATH"
fi
# One line, not a stream of parallel's errors, when the command cannot run at all.
if ! bash -c "$allocscope --version" >/dev/null 2>&1; then
  echo "fleet_parallel.sh: cannot run allocscope as '$allocscope' ($which); set ALLOCSCOPE to a command that runs it, e.g. ALLOCSCOPE=\"node /path/to/allocscope/bin/run.js\"" >&2
  exit 2
fi
echo "fleet_parallel: allocscope is $allocscope ($which)" >&2
# The shards in a directory of their own: fleet reads the summary as readily as records (summaries
# merge), so a `fleet OUT/*` that met fleet.json beside them would count every record twice. For
# the same reason OUT/shards holds this script's one file, shards.ndjson, alone: anything else there
# (fleet_dask.py's shard-NNNNN.ndjson of an earlier run, a file of yours) would be read by
# `fleet OUT/shards/*` with it, so it is refused before the run, never removed. Dot-names aside, as
# that glob skips them (the run's own temporary file is one).
mkdir -p "$out/shards"
foreign=()
for f in "$out/shards"/*; do
  [ -e "$f" ] || [ -L "$f" ] || continue   # the unmatched glob itself
  [ "${f##*/}" = shards.ndjson ] && [ ! -d "$f" ] || foreign+=("${f##*/}")
done
if [ ${#foreign[@]} -gt 0 ]; then
  shown=$(printf '%s, ' "${foreign[@]:0:3}") shown=${shown%, } it=it
  [ ${#foreign[@]} -gt 3 ] && shown+=" and $((${#foreign[@]} - 3)) more"
  [ ${#foreign[@]} -gt 1 ] && it=them
  echo "fleet_parallel.sh: $out/shards holds $shown, not written by this script: \`allocscope fleet $out/shards/*\` would read $it with the shards; move $it, or choose another OUT_DIR" >&2
  exit 2
fi
remote=()
[ -n "${PARALLEL_SSH_LOGINS:-}" ] && remote=(--sshlogin "$PARALLEL_SSH_LOGINS" --workdir "$PWD")
# One job per shard; parallel groups each job's output (--group, its default), so the shards'
# NDJSON lines come back whole into one local file, wherever the jobs ran. Written aside and moved
# into place once every job has succeeded: a failed run leaves the earlier shards and their
# fleet.json as they were, not part of a run beside another run's summary.
part="$out/shards/.shards.ndjson.$$"
trap 'rm -f "$part"' EXIT
seq 1 "$n" | parallel --will-cite --group --halt now,fail=1 "${remote[@]}" \
  "$allocscope batch --jobs 1 --shard {}/$n $(printf '%q ' "$@")" > "$part"
mv "$part" "$out/shards/shards.ndjson"
bash -c "$allocscope fleet --json \"\$1\"" fleet "$out/shards/shards.ndjson" > "$out/fleet.json"
cat "$out/fleet.json"
