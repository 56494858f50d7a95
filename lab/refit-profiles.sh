#!/bin/sh
# Refit the shipped workload profiles (profiles/*.json) with `allocscope calibrate`: each from the
# instrumented corpus boots of its kernel and page_ext window (testdata/captures and samples/) plus the lab's
# calibration boots (lab/captures, made by lab/calibration-boots.sh). Terms are chosen by
# leave-one-out; test/model/calibrate.test.ts checks that every shipped profile is this fit.
#
#   lab/refit-profiles.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
L=$REPO/lab/captures
CLI="node $REPO/bin/run.js"
# A corpus capture lives in samples/ or in testdata/captures/ (one home each): list both, in name
# order as one glob over a single folder would (the fit's provenance lists them in this order).
corpus() {
  for home in "$REPO/samples" "$REPO/testdata/captures"; do
    for d in "$home"/$1; do [ -d "$d" ] && echo "$(basename "$d") $d"; done
  done | LC_ALL=C sort | cut -d' ' -f2
}
[ -f "$REPO/dist/commands/calibrate.js" ] || { echo "build first: (cd $REPO && npm run build)" >&2; exit 1; }

fit() {
  name=$1; shift
  echo "fit $name from $# captures"
  $CLI calibrate "$@" --name "$name" --out "$REPO/profiles/$name.json" --force --format text >/dev/null
}

# 6.12, DEBUG (page_ext before SMP): the instr boots, plus lab boots without GB pages (-cpu qemu64)
# and one more 4 GiB host; the NUMA/memory boots (1-4 nodes, 1-16 GiB) and 128 CPUs.
fit linux-6.12-before-smp $(corpus 'linux-6.12-instr_smp*') \
  "$L"/lab-6.12-instr-c1-m1024-qemu64 "$L"/lab-6.12-instr-c16-m1024-qemu64 \
  "$L"/lab-6.12-instr-c4-m4096-qemu64 "$L"/lab-6.12-instr-c4-m4096 \
  "$L"/lab-6.12-instr-c16-m*-n* "$L"/lab-6.12-instr-c64-m2048-n2 "$L"/lab-6.12-instr-c128-m1024
# 6.12, DEBUG off (page_ext after SMP): the nodebug boots, plus the lab's at 2, 8 and 32 CPUs
fit linux-6.12-after-smp $(corpus 'linux-6.12-nodebug_smp*') "$L"/lab-6.12-instr-nodebug-c*
# 7.2, DEBUG (before SMP): the pool boots and the legacy-array boots, and the notrack boots (KASAN +
# kmemleak, recorder off: their untagged calls and pages are the same early allocations), and the
# lab's pool boots on 1-4 nodes and 1-16 GiB
fit linux-7.2-before-smp $(corpus 'linux-7.2-pool-*') $(corpus 'linux-7.2-legacy-c*') \
  $(corpus 'linux-7.2-notrack-*') "$L"/lab-7.2-notrack-c* "$L"/lab-7.2-pool-c*
# 7.2 with early_page_ext off (after SMP): the corpus's two legacylate boots and the lab's, and the
# lab's poollate boots (same window; their race frees also fit the pool race model)
fit linux-7.2-after-smp $(corpus 'linux-7.2-legacylate-*') "$L"/lab-7.2-legacylate-c* "$L"/lab-7.2-poollate-*
# 7.2 with KASAN + kmemleak after SMP (the lab's legacylate-kasan kernel): its own profile, chosen
# for KASAN hosts; after SMP KASAN changes the per-CPU shape, not only the size (lab/README.md,
# "KASAN after SMP"), so no KASAN term added to the fit above met the bound
fit linux-7.2-after-smp-kasan "$L"/lab-7.2-legacylate-kasan-*
