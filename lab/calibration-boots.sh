#!/bin/sh
# Boot the lab kernels at the host shapes the model needs beyond the corpus (testdata/captures, samples), and write one
# capture directory per boot (what lab/captures/ holds, committed): they are real boots of the
# instrumented lab kernels (klab: lines = true counts), made with `allocscope capture`, each
# meta.json recording how in made_by. `allocscope calibrate` fits profiles/*.json from them together
# with the corpus (lab/refit-profiles.sh).
#
#   [DEST=dir] [ONLY="name ..."] [ACCEL=tcg] lab/calibration-boots.sh [LAB_DIR]
#
# Why these boots (see lab/README.md): the corpus has only two legacylate boots (8 and 255 CPUs),
# too few to fit a base and a per-CPU term and still predict one of them left out; and only one
# boot without GB pages for the direct map (-cpu qemu64), so nothing else determines that term;
# and four 6.12 nodebug boots, where choosing the terms again without one of them (nested
# leave-one-out) misses the 1-CPU boot. The notrack boots (KASAN + kmemleak, recorder off) join the
# 7.2 before-SMP fit through its KASAN terms; the legacylate-kasan boots (KASAN + kmemleak, page_ext
# after SMP) make their own profile, at 12 CPU counts with repeats and at 16 CPUs on 1-4 nodes with
# 4-16 GiB, since their calls step with
# SLUB's slab order (flat from 4 to 8 and from 96 to 128 CPUs). The
# legacy256late boot is the legacy array at v1's 256 entries with page_ext after SMP: a real
# overflow (the EARLY_ALLOC_PFN_MAX warning, dropped PFNs, then `alloc_tag was not set` when the
# shrink workload frees one), for the detectors, the diff rules and the legacy recorder's counts.
# The poollate boots are the pfn_pool recorder with page_ext after SMP: several pools, filled while
# every CPU is recording, for the pool page count, the cmpxchg races and the accounting hazards.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
LAB_ARG=${1:-}
. "$HERE/lib.sh"

# name | kernel tag | cpus | memory MiB | NUMA nodes | cpu model | extra command line | timeout s | init workload
BOOTS='
lab-7.2-legacylate-c1-m1024|7.2-legacylate|1|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-c2-m1024|7.2-legacylate|2|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-c4-m1024|7.2-legacylate|4|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-c16-m1024|7.2-legacylate|16|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-c32-m1024|7.2-legacylate|32|1024|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c64-m1024|7.2-legacylate|64|1024|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c128-m1024|7.2-legacylate|128|1024|1|max|log_buf_len=4M|1800
lab-7.2-legacylate-c16-m4096-n1|7.2-legacylate|16|4096|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m16384-n1|7.2-legacylate|16|16384|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m1024-n2|7.2-legacylate|16|1024|2|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m4096-n2|7.2-legacylate|16|4096|2|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m16384-n2|7.2-legacylate|16|16384|2|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m1024-n4|7.2-legacylate|16|1024|4|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m4096-n4|7.2-legacylate|16|4096|4|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m16384-n4|7.2-legacylate|16|16384|4|max|log_buf_len=4M|900
lab-7.2-legacylate-c4-m4096-n2|7.2-legacylate|4|4096|2|max|log_buf_len=4M|600
lab-7.2-legacylate-c64-m4096-n2|7.2-legacylate|64|4096|2|max|log_buf_len=4M|900
lab-7.2-legacylate-c64-m16384-n4|7.2-legacylate|64|16384|4|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m1024-r2|7.2-legacylate|16|1024|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m1024-r3|7.2-legacylate|16|1024|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m4096-n1-r2|7.2-legacylate|16|4096|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m4096-n1-r3|7.2-legacylate|16|4096|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m16384-n2-r2|7.2-legacylate|16|16384|2|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m16384-n2-r3|7.2-legacylate|16|16384|2|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m16384-n1-r2|7.2-legacylate|16|16384|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m16384-n1-r3|7.2-legacylate|16|16384|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m16384-n1-r4|7.2-legacylate|16|16384|1|max|log_buf_len=4M|900
lab-7.2-legacylate-c16-m16384-n1-r5|7.2-legacylate|16|16384|1|max|log_buf_len=4M|900
lab-6.12-instr-c1-m1024-qemu64|6.12-instr|1|1024|1|qemu64||300
lab-6.12-instr-c16-m1024-qemu64|6.12-instr|16|1024|1|qemu64||300
lab-6.12-instr-c4-m4096-qemu64|6.12-instr|4|4096|1|qemu64||300
lab-6.12-instr-c4-m4096|6.12-instr|4|4096|1|max||300
lab-6.12-instr-c16-m16384-n1|6.12-instr|16|16384|1|max||600
lab-6.12-instr-c16-m1024-n2|6.12-instr|16|1024|2|max||600
lab-6.12-instr-c16-m16384-n2|6.12-instr|16|16384|2|max||600
lab-6.12-instr-c16-m1024-n4|6.12-instr|16|1024|4|max||600
lab-6.12-instr-c16-m16384-n4|6.12-instr|16|16384|4|max||600
lab-6.12-instr-c64-m2048-n2|6.12-instr|64|2048|2|max||900
lab-6.12-instr-c128-m1024|6.12-instr|128|1024|1|max|log_buf_len=4M|1800
lab-6.12-instr-nodebug-c2-m1024|6.12-instr-nodebug|2|1024|1|max||300
lab-6.12-instr-nodebug-c8-m1024|6.12-instr-nodebug|8|1024|1|max||300
lab-6.12-instr-nodebug-c32-m1024|6.12-instr-nodebug|32|1024|1|max||600
lab-7.2-notrack-c1-m1024|7.2-notrack|1|1024|1|max||300
lab-7.2-notrack-c4-m1024|7.2-notrack|4|1024|1|max||300
lab-7.2-notrack-c16-m1024|7.2-notrack|16|1024|1|max||600
lab-7.2-notrack-c64-m1024|7.2-notrack|64|1024|1|max||900
lab-7.2-legacy256late-c8-m1024-shrink|7.2-legacy256late|8|1024|1|max||600|shrink
lab-7.2-legacylate-kasan-c1-m1024|7.2-legacylate-kasan|1|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-kasan-c4-m1024|7.2-legacylate-kasan|4|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-kasan-c16-m1024|7.2-legacylate-kasan|16|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-kasan-c32-m1024|7.2-legacylate-kasan|32|1024|1|max|log_buf_len=4M|900
lab-7.2-legacylate-kasan-c64-m1024|7.2-legacylate-kasan|64|1024|1|max|log_buf_len=4M|900
lab-7.2-legacylate-kasan-c128-m1024|7.2-legacylate-kasan|128|1024|1|max|log_buf_len=4M|1800
lab-7.2-legacylate-kasan-c2-m1024|7.2-legacylate-kasan|2|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-kasan-c8-m1024|7.2-legacylate-kasan|8|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-kasan-c12-m1024|7.2-legacylate-kasan|12|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-kasan-c24-m1024|7.2-legacylate-kasan|24|1024|1|max|log_buf_len=4M|900
lab-7.2-legacylate-kasan-c48-m1024|7.2-legacylate-kasan|48|1024|1|max|log_buf_len=4M|900
lab-7.2-legacylate-kasan-c96-m1024|7.2-legacylate-kasan|96|1024|1|max|log_buf_len=4M|1800
lab-7.2-legacylate-kasan-c16-m1024-r2|7.2-legacylate-kasan|16|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-kasan-c64-m1024-r2|7.2-legacylate-kasan|64|1024|1|max|log_buf_len=4M|900
lab-7.2-legacylate-kasan-c8-m1024-r2|7.2-legacylate-kasan|8|1024|1|max|log_buf_len=4M|600
lab-7.2-legacylate-kasan-c128-m1024-r2|7.2-legacylate-kasan|128|1024|1|max|log_buf_len=4M|1800
lab-7.2-legacylate-kasan-c16-m4096-n1|7.2-legacylate-kasan|16|4096|1|max|log_buf_len=4M|900
lab-7.2-legacylate-kasan-c16-m16384-n1|7.2-legacylate-kasan|16|16384|1|max|log_buf_len=4M|900
lab-7.2-legacylate-kasan-c16-m4096-n2|7.2-legacylate-kasan|16|4096|2|max|log_buf_len=4M|900
lab-7.2-legacylate-kasan-c16-m16384-n4|7.2-legacylate-kasan|16|16384|4|max|log_buf_len=4M|900
lab-7.2-pool-c16-m4096-n2|7.2-pool|16|4096|2|max||600
lab-7.2-pool-c16-m1024-n2|7.2-pool|16|1024|2|max||600
lab-7.2-pool-c16-m1024-n4|7.2-pool|16|1024|4|max||600
lab-7.2-pool-c16-m16384-n1|7.2-pool|16|16384|1|max||600
lab-7.2-pool-c16-m16384-n2|7.2-pool|16|16384|2|max||600
lab-7.2-pool-c16-m16384-n4|7.2-pool|16|16384|4|max||600
lab-7.2-pool-c64-m4096-n2|7.2-pool|64|4096|2|max||900
lab-7.2-poollate-c8-m1024|7.2-poollate|8|1024|1|max||600
lab-7.2-poollate-c64-m1024|7.2-poollate|64|1024|1|max||900
lab-7.2-poollate-c128-m1024|7.2-poollate|128|1024|1|max||1800
lab-7.2-poollate-c255-m1024|7.2-poollate|255|1024|1|max|log_buf_len=4M|1800
'

mkdir -p "$DEST"
failed=0
while IFS='|' read -r name tag cpus mem nodes model extra timeout workload; do
  [ -n "$name" ] || continue
  wanted "$name" || continue
  kernel=$LAB/out/bzImage-$tag
  version=${tag%%-*}
  variant=${tag#*-}
  if [ ! -f "$kernel" ]; then
    echo "skip $name: no $kernel (build it: VARIANT=$variant lab/build-kernel.sh $version)"
    continue
  fi
  out=$DEST/$name
  echo "boot $name: $tag, $cpus CPUs, ${mem} MiB, $nodes node(s), -cpu $model, timeout ${timeout} s -> $out"
  $CLI capture --kernel "$kernel" --cpus "$cpus" --memory "$mem" --nodes "$nodes" --cpu-model "$model" \
    --accel "$ACCEL" --timeout "$timeout" --append "$BASE_APPEND${extra:+ $extra}" ${workload:+--workload "$workload"} --out "$out" --force --format text \
    --provenance "lab/calibration-boots.sh: calibration boot of the lab kernel $kernel ($(kernel_id "$tag")${workload:+; init workload $workload (capture --workload)}); klab: counts from the lab patch (written for this lab from the corpus description)" >/dev/null || failed=1
  grep -h 'klab: early' "$out/dmesg.txt" 2>/dev/null | head -1
done <<END
$BOOTS
END
exit $failed
