#!/bin/sh
# Re-boot the lab kernels with the configurations of the samples in samples/ and write fresh
# capture directories with `allocscope capture` (each meta.json records how it was made in
# made_by). Writes to $DEST (default $ALLOCSCOPE_LAB/captures; see lab/lib.sh), never into samples/ unless
# DEST=samples is given on purpose: the committed samples are the reference boots.
#
#   [DEST=dir] [ONLY="sample-name ..."] [ACCEL=tcg] lab/regenerate-samples.sh [LAB_DIR]
#
# Kernels come from lab/build-kernel.sh: $LAB_DIR/out/bzImage-<version>[-<variant>]. A sample
# whose kernel is missing, or that needs something this lab does not have (instrumentation,
# a workload), is listed as skipped with the reason; the exit status is 1 if any boot failed
# (a row that expects a timeout fails only if it neither timed out nor completed).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
LAB_ARG=${1:-}
. "$HERE/lib.sh"

# sample | kernel tags (first one built wins) | cpus | possible | memory | nodes | timeout s |
#   expect (complete, or timeout: the sample is a boot that timed out, a truncated console; the
#   same boot may complete on a faster or less loaded host, which is reported, not failed) |
#   workload (capture --workload) | extra kernel command line | needs (empty = reproducible here)
SAMPLES='
linux-6.12-instr_smp064_2G_numa2|6.12-instr,6.12|64|64|2G|2|900|complete|||
linux-6.12-nodebug_smp064_1G|6.12-instr-nodebug,6.12-nodebug|64|64|1G|1|900|complete|||
linux-7.2-pool-c64-m1024|7.2-pool,7.2|64|64|1024|1|900|complete|||
linux-7.2-pool-c255-m1024|7.2-pool,7.2|255|255|1024|1|600|timeout|||
linux-7.2-legacylate-c255-m1024|7.2-legacylate|255|255|1024|1|1800|complete||log_buf_len=4M|
linux-7.2-notrack-c8-m1024-shrink|7.2-notrack|8|8|1024|1|900|complete|shrink||
lkml-7.0-rc4-alloc-tag-not-set|-|0|0|0|0|0|complete|||not a lab boot: an excerpt quoted in a commit message
'


mkdir -p "$DEST"
failed=0
# A here-document, not a pipe: the loop runs in this shell, so $failed survives it.
while IFS='|' read -r name tags cpus possible mem nodes timeout expect workload extra needs; do
  [ -n "$name" ] || continue
  wanted "$name" || continue
  if [ -n "$needs" ]; then echo "skip $name: $needs"; continue; fi
  tag=${tags%%,*}
  for t in $(echo "$tags" | tr , ' '); do
    if [ -f "$LAB/out/bzImage-$t" ]; then tag=$t; break; fi
  done
  version=${tag%%-*}
  variant=''
  [ "$tag" = "$version" ] || variant=${tag#*-}
  kernel=$LAB/out/bzImage-$tag
  if [ ! -f "$kernel" ]; then
    echo "skip $name: no $kernel (build it: ${variant:+VARIANT=$variant }lab/build-kernel.sh $version; it fetches Debian's linux-source-$version)"
    continue
  fi
  note=''
  # Every sample reproduced here came from an instrumented kernel (see samples/PROVENANCE.md).
  case $tag in
    *instr*|*pool*|*legacy*|*notrack*) note='; klab: counts from the lab patch (written for this lab from the corpus description)' ;;
    7.2) note='; the sample kernel was 7.2.13 (its pfn_pool recorder is stock) plus klab: counters, this lab kernel is stock: no klab: lines' ;;
    *) note='; the sample kernel carried klab: instrumentation, this lab kernel does not' ;;
  esac
  how=$(kernel_id "$tag")
  [ -n "$workload" ] && how="$how; init workload $workload (capture --workload)"
  [ "$expect" = timeout ] && note="$note; the sample is a boot that timed out after ${timeout} s (bringing up CPUs under TCG): same timeout here"
  out=$DEST/$name
  echo "boot $name: $tag, $cpus CPUs, $mem, $nodes node(s)${workload:+, workload $workload}, timeout ${timeout} s -> $out"
  $CLI capture --kernel "$kernel" --cpus "$cpus" --possible "$possible" --memory "$mem" --nodes "$nodes" \
    --accel "$ACCEL" --timeout "$timeout" --append "$BASE_APPEND${extra:+ $extra}" ${workload:+--workload "$workload"} --out "$out" --force --format text \
    --provenance "lab/regenerate-samples.sh reproducing samples/$name: kernel $kernel ($how)$note"
  rc=$?
  timed_out=$(node -e 'try{process.stdout.write(String(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).timed_out))}catch{}' "$out/meta.json")
  case $expect:$rc:$timed_out in
    complete:0:*) ;;
    timeout:*:true) echo "ok $name: timed out after ${timeout} s, as the sample did (incomplete capture kept)" ;;
    timeout:0:*) echo "note $name: completed, where the sample timed out" ;;
    *) failed=1 ;;
  esac
done <<END
$SAMPLES
END
exit $failed
