#!/usr/bin/env python3
"""Run `allocscope batch` on a Dask cluster (the map step) and merge with `allocscope fleet`.

The inputs are listed once by `allocscope batch --list` (so the split is exactly the inputs a
single `allocscope batch` run would read), partitioned into a dask.bag, and each partition is
analysed on a worker by `allocscope batch --files-from -`. The workers return their NDJSON; this
script writes one shard file per partition into OUT/shards/ and runs `allocscope fleet --json` over
the shards, which merges them into the same summary one machine would make, saved as OUT/fleet.json.
The summary is kept out of the shards' directory: fleet reads a summary as readily as records
(summaries merge), so `fleet OUT/shards/*` beside it would count every record twice. For the same
reason OUT/shards holds this run's shards alone: an earlier run's shard-NNNNN.ndjson are removed
(a run with fewer partitions left the rest behind, counted again), and any other file there is
refused before the run starts, never removed (move it, or pass another --out).

  # on one machine: a LocalCluster of --workers processes
  /usr/bin/python3 examples/dask/fleet_dask.py --out /tmp/fleet samples testdata/captures
  # on a cluster: `dask scheduler` on one host, `dask worker tcp://HOST:8786` on each worker host
  /usr/bin/python3 examples/dask/fleet_dask.py --scheduler tcp://HOST:8786 --out /tmp/fleet /shared/logs

Needs Debian's python3-distributed (apt-get install python3-distributed); every worker needs
allocscope and the inputs at the same paths. --allocscope names the command; by default it is
`allocscope` when that is on PATH, else this clone's own CLI (`node <repo>/bin/run.js`, built with
`npm run build`), so the script runs from a fresh clone as it is.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

# This clone's CLI: examples/dask/ is two levels below the repository.
CLONE_CLI = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bin", "run.js")


# The shard files this script writes (more digits past 99999 partitions): the only files it removes.
OWN_SHARD = re.compile(r"shard-\d{5,}\.ndjson")


class Failed(RuntimeError):
    """A command that could not be run or failed: main prints it as one line, no traceback."""


def default_allocscope():
    """`allocscope` on PATH, else node and this clone's bin/run.js (absolute: workers need no PATH)."""
    if shutil.which("allocscope"):
        return ["allocscope"], "allocscope on PATH"
    node = shutil.which("node")
    if node and os.path.exists(CLONE_CLI):
        return [node, CLONE_CLI], "this clone's CLI: allocscope is not on PATH"
    raise Failed("allocscope is not on PATH and this script is not in a clone with node on PATH: "
                 "pass --allocscope \"node /path/to/allocscope/bin/run.js\"")


def run(cmd, **kw):
    """cmd's stdout as bytes: a --list passes through untouched (text mode would turn a CR into a newline)."""
    try:
        r = subprocess.run(cmd, capture_output=True, **kw)
    except OSError as e:
        raise Failed(f"cannot run {shlex.quote(cmd[0])}: {e.strerror}; pass --allocscope with a command that runs allocscope, "
                     "e.g. --allocscope \"node /path/to/allocscope/bin/run.js\"") from None
    # batch exits 1 only with --fail-on, which this script does not pass: anything but 0 is a failure.
    if r.returncode != 0:
        stderr = r.stderr.decode(errors="replace")
        raise Failed(f"{shlex.join(cmd)} exited {r.returncode}: {' / '.join(stderr.strip().splitlines())}")
    return r.stdout


def list_inputs(allocscope, inputs):
    """The --list lines, as written: `--files-from` reads each back as its path (one that a plain
    line cannot carry, e.g. a name holding a newline, is one quoted line), so they are not parsed here."""
    return [line for line in run(allocscope + ["batch", "--list", *inputs]).split(b"\n") if line]


def own_shard(shard_dir, name):
    """A shard an earlier run of this script wrote: its name, and not a directory."""
    return OWN_SHARD.fullmatch(name) is not None and not os.path.isdir(os.path.join(shard_dir, name))


def refuse_foreign(shard_dir):
    """Fails when shard_dir holds what this script did not write: `fleet OUT/shards/*` would read it
    with the shards, and it is not ours to remove. Dot-names aside, as that glob skips them."""
    names = os.listdir(shard_dir) if os.path.isdir(shard_dir) else []
    foreign = sorted(n for n in names if not n.startswith(".") and not own_shard(shard_dir, n))
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        it = "it" if len(foreign) == 1 else "them"
        raise Failed(f"{shard_dir} holds {shown}, not written by this script: `allocscope fleet {shard_dir}/*` "
                     f"would read {it} with the shards; move {it}, or pass another --out")


def write_shards(shard_dir, shards):
    """This run's shards, after removing an earlier run's (only once the run has succeeded: a failed
    run leaves the earlier shards and their fleet.json as they were)."""
    os.makedirs(shard_dir, exist_ok=True)
    for name in os.listdir(shard_dir):
        if own_shard(shard_dir, name):
            os.remove(os.path.join(shard_dir, name))
    files = []
    for i, text in enumerate(shards):
        f = os.path.join(shard_dir, f"shard-{i + 1:05d}.ndjson")
        with open(f, "w", encoding="utf-8") as fh:
            fh.write(text)
        files.append(f)
    return files


def batch_partition(lines, allocscope, cwd):
    """On a worker: one `allocscope batch` over this partition's --list lines, its NDJSON as one string."""
    lines = list(lines)
    if not lines:
        return []
    return [run(allocscope + ["batch", "--jobs", "1", "--files-from", "-"], input=b"\n".join(lines) + b"\n", cwd=cwd).decode()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+", help="files, directories, archives (as for allocscope batch)")
    ap.add_argument("--out", required=True, help="directory for shards/shard-NNNNN.ndjson and fleet.json")
    ap.add_argument("--scheduler", help="address of a running `dask scheduler` (default: a LocalCluster)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    ap.add_argument("--partitions", type=int, default=0, help="partitions (default: 4 per worker)")
    ap.add_argument("--allocscope", help="command that runs allocscope (default: allocscope on PATH, else this clone's node bin/run.js)")
    a = ap.parse_args()
    try:
        fleet(a)
    except RuntimeError as e:
        # Raised on a worker, Failed comes back as a copy of this class (cloudpickle sends __main__'s
        # classes by value), so it is told by name.
        if type(e).__name__ != "Failed":
            raise
        sys.exit(f"fleet_dask.py: {e}")


def fleet(a):
    try:
        import dask.bag as db
        from dask.distributed import Client, LocalCluster
    except ModuleNotFoundError as e:
        # Debian's package installs for the system Python; a pyenv or venv python3 does not see it.
        sys.exit(f"fleet_dask.py: {e} with {sys.executable}: install Debian's python3-distributed "
                 "(apt-get install python3-distributed) and run this script with /usr/bin/python3")

    allocscope, which = (shlex.split(a.allocscope), "--allocscope") if a.allocscope else default_allocscope()
    sys.stderr.write(f"fleet_dask: allocscope is {shlex.join(allocscope)} ({which})\n")
    cwd = os.getcwd()
    shard_dir = os.path.join(a.out, "shards")
    refuse_foreign(shard_dir)
    paths = list_inputs(allocscope, a.inputs)
    if a.scheduler:
        client = Client(a.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        nworkers = max(1, len(client.scheduler_info()["workers"]))
        parts = max(1, min(len(paths), a.partitions or 4 * nworkers))
        bag = db.from_sequence(paths, npartitions=parts)
        shards = bag.map_partitions(batch_partition, allocscope, cwd).compute()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    files = write_shards(shard_dir, shards)
    summary = run(allocscope + ["fleet", "--json", *files]).decode()
    with open(os.path.join(a.out, "fleet.json"), "w", encoding="utf-8") as fh:
        fh.write(summary)
    sys.stdout.write(summary)
    sys.stderr.write(f"fleet_dask: {len(paths)} inputs in {len(files)} partitions on {nworkers} worker(s); shards in {shard_dir}, fleet.json in {a.out}\n")


if __name__ == "__main__":
    main()
