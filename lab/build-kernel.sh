#!/bin/sh
# Build the allocscope lab kernel: Debian's linux-source-<V> package, `make tinyconfig`
# plus lab/kernel.config, out of tree. Never run by `npm test`.
#
#   [VARIANT=nodebug] [JOBS=2] lab/build-kernel.sh [VERSION] [LAB_DIR]   (defaults: 6.12, /work/lab-build)
#
# Result: $LAB_DIR/out/bzImage-$VERSION[-$VARIANT] (+ config-*, release-*, build-*.log).
# A VARIANT merges lab/kernel-$VARIANT.config (if any) after lab/kernel.config and applies
# lab/patches/$VERSION-$VARIANT.patch (if any) in its own source tree
# ($LAB_DIR/linux-source-$VERSION-$VARIANT), so the stock tree stays stock.
set -eu

VERSION=${1:-6.12}
LAB=${2:-${ALLOCSCOPE_LAB:-/work/lab-build}}
HERE=$(cd "$(dirname "$0")" && pwd)
VARIANT=${VARIANT:-}
TAG=$VERSION${VARIANT:+-$VARIANT}
FRAGMENT=$HERE/kernel.config
VFRAGMENT=''
[ -n "$VARIANT" ] && [ -f "$HERE/kernel-$VARIANT.config" ] && VFRAGMENT=$HERE/kernel-$VARIANT.config
PATCH=''
[ -n "$VARIANT" ] && [ -f "$HERE/patches/$VERSION-$VARIANT.patch" ] && PATCH=$HERE/patches/$VERSION-$VARIANT.patch
TARBALL=/usr/src/linux-source-$VERSION.tar.xz
SRC=$LAB/linux-source-$VERSION${PATCH:+-$VARIANT}
OBJ=$LAB/build-$TAG
OUT=$LAB/out
JOBS=${JOBS:-2}

if [ -n "$VARIANT" ] && [ -z "$VFRAGMENT$PATCH" ]; then
  echo "error: unknown VARIANT=$VARIANT: neither lab/kernel-$VARIANT.config nor lab/patches/$VERSION-$VARIANT.patch" >&2
  exit 1
fi
if [ ! -f "$TARBALL" ]; then
  echo "error: $TARBALL not found: apt-get install linux-source-$VERSION" >&2
  exit 1
fi
for tool in make gcc flex bison bc; do
  command -v $tool >/dev/null || {
    echo "error: $tool missing: apt-get install build-essential flex bison bc libelf-dev libssl-dev" >&2
    exit 1
  }
done

mkdir -p "$LAB" "$OBJ" "$OUT"
if [ ! -f "$SRC/Makefile" ]; then
  echo "extracting $TARBALL into $SRC"
  tmp=$(mktemp -d "$LAB/extract.XXXXXX")
  nice -n 19 tar -C "$tmp" -xf "$TARBALL"
  mv "$tmp/linux-source-$VERSION" "$SRC"
  rmdir "$tmp"
fi
if [ -n "$PATCH" ] && [ ! -f "$SRC/.allocscope-$VARIANT-applied" ]; then
  echo "applying $PATCH"
  patch -d "$SRC" -p1 --forward <"$PATCH"
  touch "$SRC/.allocscope-$VARIANT-applied"
fi

start=$(date +%s)
cd "$SRC"
nice -n 19 make O="$OBJ" tinyconfig >/dev/null
# merge_config.sh -m: merge only, then olddefconfig resolves dependencies.
nice -n 19 ./scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" "$FRAGMENT" $VFRAGMENT >/dev/null
nice -n 19 make O="$OBJ" olddefconfig >/dev/null

# A fragment line that Kconfig dropped (unmet dependency) would silently give a kernel
# without profiling: check every requested symbol made it.
# the variant's line wins: keep the last occurrence of each symbol
cat "$FRAGMENT" $VFRAGMENT | grep -E '^CONFIG_[A-Z0-9_]+=' | tac | sort -t= -k1,1 -u -s | while IFS= read -r line; do
  sym=${line%%=*}; val=${line#*=}
  if [ "$val" = n ]; then
    grep -q "^$sym=" "$OBJ/.config" && { echo "warning: $sym is set, wanted n" >&2; }
  else
    grep -qx "$line" "$OBJ/.config" || { echo "warning: $line did not stick: $(grep "^$sym=\|# $sym is" "$OBJ/.config")" >&2; }
  fi
done

echo "building linux $TAG in $OBJ with make -j$JOBS (nice 19)"
nice -n 19 make O="$OBJ" -j"$JOBS" bzImage >"$OUT/build-$TAG.log" 2>&1 || {
  tail -30 "$OUT/build-$TAG.log" >&2
  exit 1
}
end=$(date +%s)
cp "$OBJ/arch/x86/boot/bzImage" "$OUT/bzImage-$TAG"
cp "$OBJ/.config" "$OUT/config-$TAG"
make -s -C "$SRC" O="$OBJ" kernelrelease >"$OUT/release-$TAG" 2>/dev/null
echo "built $OUT/bzImage-$TAG ($(cat "$OUT/release-$TAG")) in $((end - start)) s"
