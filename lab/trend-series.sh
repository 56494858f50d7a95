#!/bin/sh
# The trend lab's ground truth (testdata/trend/): boot the modules lab kernel under QEMU four times,
# sampling /proc/allocinfo inside the guest while a workload runs (src/lab/series.ts), and keep
# each boot's recording.arec.gz (guest-clock snapshots), dmesg.txt, series.json and meta.json.
#
#   VARIANT=modules lab/build-kernel.sh 6.12      # first: out/bzImage-6.12-modules + its build tree
#   npm run build && lab/trend-series.sh [LAB_DIR] # then: ~10 min under TCG; DEST=testdata/trend
#
# ONLY="leak unload" picks series; SNAPSHOTS / INTERVAL change their length (defaults 40 / 2 s).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
LAB_ARG=${1:-}
# lib.sh defaults DEST to the calibration captures' folder: keep the caller's DEST, else testdata/trend.
TREND_DEST=${DEST:-}
. "$HERE/lib.sh"
DEST=${TREND_DEST:-$REPO/testdata/trend}
TAG=6.12-modules
OBJ=$LAB/build-$TAG
SNAPSHOTS=${SNAPSHOTS:-40}
INTERVAL=${INTERVAL:-2}
KERNEL=$LAB/out/bzImage-$TAG
[ -f "$KERNEL" ] && [ -f "$OBJ/Module.symvers" ] || { echo "build the kernel first: VARIANT=modules lab/build-kernel.sh 6.12" >&2; exit 1; }

# The module, out of tree against the kernel's build tree (copied: the repo stays clean).
MOD=$LAB/module-$TAG
rm -rf "$MOD" && mkdir -p "$MOD" && cp "$HERE/module/klab_leak.c" "$HERE/module/Kbuild" "$MOD/"
nice -n 19 make -s -C "$OBJ" M="$MOD" modules >"$MOD/build.log" 2>&1 || { cat "$MOD/build.log" >&2; exit 1; }
KO=$MOD/klab_leak.ko
SITE_LINE=$(grep -n 'KLAB_ALLOC_SITE \*/' "$HERE/module/klab_leak.c" | cut -d: -f1)
echo "built $KO ($(sha256sum "$KO" | cut -c1-16)...), allocation site lab/module/klab_leak.c:$SITE_LINE"

for kind in leak churn unload busy; do
  wanted "$kind" || continue
  out=$LAB/trend/$kind
  rm -rf "$out"
  modarg=''
  [ "$kind" = busy ] || modarg="--module $KO"
  echo "series $kind: $SNAPSHOTS snapshots every ${INTERVAL} s"
  $CLI capture --kernel "$KERNEL" --cpus 1 --memory 512M --accel "$ACCEL" --timeout 900 \
    --append "$BASE_APPEND" --series "$kind" $modarg --snapshots "$SNAPSHOTS" --interval "$INTERVAL" \
    --provenance "trend lab series $kind: $(kernel_id "$TAG"); module lab/module/klab_leak.c built out of tree against it (sha256 $(sha256sum "$KO" | cut -c1-16)...); lab/trend-series.sh" \
    --out "$out" --format text | grep -E 'status|series|boot wall' || true
  mkdir -p "$DEST/$kind"
  cp "$out/recording.arec.gz" "$out/dmesg.txt" "$out/series.json" "$out/meta.json" "$DEST/$kind/"
done
