#!/bin/sh
# Build the allocscope lab kernel: Debian's linux-source-<V> package, `make tinyconfig`
# plus lab/kernel.config, out of tree. Never run by `npm test`.
#
#   [VARIANT=nodebug] [JOBS=2] [PKGVER=7.2.13-1] lab/build-kernel.sh [VERSION] [LAB_DIR]
#   (defaults: 6.12, $ALLOCSCOPE_LAB, else $XDG_CACHE_HOME/allocscope/lab, else ~/.cache/allocscope/lab)
#
# Source: /usr/src/linux-source-$VERSION.tar.xz when the package is installed; otherwise the
# package is fetched (never installed) through a private apt state in $LAB_DIR/apt that reads
# only lab/apt/debian-sid.list (or $APT_SOURCES): `apt-get update` there, `apt-get download
# linux-source-$VERSION=$PKGVER` (Architecture: all), `dpkg-deb -x` into
# $LAB_DIR/pkg-linux-source-$VERSION. The system's apt sources are not touched. PKGVER defaults
# to the version the corpus kernels were built from (7.2: 7.2.13-1, 6.12: the host's).
#
# Result: $LAB_DIR/out/bzImage-$VERSION[-$VARIANT] (+ config-*, release-*, build-*.log).
# A VARIANT merges lab/kernel-$VARIANT.config (if any) after lab/kernel.config and applies
# lab/patches/$VERSION-$VARIANT.patch (or the patches listed in $VERSION-$VARIANT.series) in its
# own source tree
# ($LAB_DIR/linux-source-$VERSION-$VARIANT), so the stock tree stays stock.
set -eu

VERSION=${1:-6.12}
LAB=${2:-${ALLOCSCOPE_LAB:-${XDG_CACHE_HOME:-$HOME/.cache}/allocscope/lab}}
HERE=$(cd "$(dirname "$0")" && pwd)
VARIANT=${VARIANT:-}
TAG=$VERSION${VARIANT:+-$VARIANT}
FRAGMENT=$HERE/kernel.config
VFRAGMENT=''
[ -n "$VARIANT" ] && [ -f "$HERE/kernel-$VARIANT.config" ] && VFRAGMENT=$HERE/kernel-$VARIANT.config
# A variant's patches: lab/patches/$VERSION-$VARIANT.series (patch file names, in order, # comments)
# when it exists, else lab/patches/$VERSION-$VARIANT.patch.
PATCH=''
if [ -n "$VARIANT" ] && [ -f "$HERE/patches/$VERSION-$VARIANT.series" ]; then
  for p in $(grep -v '^#' "$HERE/patches/$VERSION-$VARIANT.series"); do
    [ -f "$HERE/patches/$p" ] || { echo "error: $VERSION-$VARIANT.series names a missing patch: lab/patches/$p" >&2; exit 1; }
    PATCH="$PATCH $HERE/patches/$p"
  done
elif [ -n "$VARIANT" ] && [ -f "$HERE/patches/$VERSION-$VARIANT.patch" ]; then
  PATCH=$HERE/patches/$VERSION-$VARIANT.patch
fi
TARBALL=/usr/src/linux-source-$VERSION.tar.xz
PKG=linux-source-$VERSION
PKGDIR=$LAB/pkg-$PKG
APT_SOURCES=${APT_SOURCES:-$HERE/apt/debian-sid.list}
# the corpus (testdata/captures and samples/) kernels' Debian package version
case $VERSION in 7.2) PKGVER=${PKGVER-7.2.13-1} ;; *) PKGVER=${PKGVER-} ;; esac
SRC=$LAB/linux-source-$VERSION${PATCH:+-$VARIANT}
OBJ=$LAB/build-$TAG
OUT=$LAB/out
JOBS=${JOBS:-2}

if [ -n "$VARIANT" ] && [ -z "$VFRAGMENT$PATCH" ]; then
  echo "error: unknown VARIANT=$VARIANT: no lab/kernel-$VARIANT.config, lab/patches/$VERSION-$VARIANT.patch or .series" >&2
  exit 1
fi
# Fetch $PKG with apt-get download through a private apt state (its own sources list, lists
# and cache under $LAB/apt), then unpack the .deb: nothing is installed, no system apt file read
# or written (Dir::Etc::sourceparts=- drops /etc/apt/sources.list.d).
fetch_source() {
  apt=$LAB/apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
  # apt downloads as user _apt: let it write there (else it warns and downloads as root)
  id _apt >/dev/null 2>&1 && chown -R _apt "$apt/lists/partial" "$apt/debs" 2>/dev/null
  set -- -o Dir::Etc::sourcelist="$APT_SOURCES" -o Dir::Etc::sourceparts=- \
    -o Dir::State::lists="$apt/lists" -o Dir::Cache="$apt/cache" -o Acquire::Languages=none \
    -o APT::Get::List-Cleanup=0
  echo "fetching $PKG${PKGVER:+=$PKGVER} from $(grep -v '^#' "$APT_SOURCES" | grep . | head -1)"
  nice -n 19 apt-get -q "$@" update >"$apt/update.log" 2>&1 || { tail -5 "$apt/update.log" >&2; return 1; }
  (cd "$apt/debs" && nice -n 19 apt-get -q "$@" download "$PKG${PKGVER:+=$PKGVER}") || {
    echo "error: $PKG${PKGVER:+=$PKGVER} not found in $APT_SOURCES; available: $(apt-cache "$@" madison "$PKG" | cut -d'|' -f2 | tr -d ' ' | tr '\n' ' ')" >&2
    return 1
  }
  deb=$(ls -t "$apt/debs/${PKG}_"*.deb | head -1)
  rm -rf "$PKGDIR.tmp" && dpkg-deb -x "$deb" "$PKGDIR.tmp" && mv "$PKGDIR.tmp" "$PKGDIR"
  echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) ($(basename "$deb") sha256 $(sha256sum "$deb" | cut -c1-64), fetched from $(basename "$APT_SOURCES"))" >"$PKGDIR/.allocscope-source"
}

if [ ! -f "$TARBALL" ]; then
  TARBALL=$PKGDIR/usr/src/linux-source-$VERSION.tar.xz
  if [ ! -f "$TARBALL" ]; then
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
      echo "error: no /usr/src/linux-source-$VERSION.tar.xz and no apt-get/dpkg-deb to fetch $PKG" >&2
      exit 1
    }
    fetch_source || exit 1
  fi
  [ -f "$TARBALL" ] || { echo "error: $TARBALL not in $PKG" >&2; exit 1; }
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
  for p in $PATCH; do
    echo "applying $p"
    patch -d "$SRC" -p1 --forward <"$p"
  done
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

# With modules (VARIANT=modules), `modules` too: it writes $OBJ/Module.symvers, which an
# out-of-tree module build against $OBJ (lab/module/) needs; the build tree is kept.
TARGETS=bzImage
grep -qx 'CONFIG_MODULES=y' "$OBJ/.config" && TARGETS="bzImage modules"
echo "building linux $TAG in $OBJ with make -j$JOBS $TARGETS (nice 19)"
nice -n 19 make O="$OBJ" -j"$JOBS" $TARGETS >"$OUT/build-$TAG.log" 2>&1 || {
  tail -30 "$OUT/build-$TAG.log" >&2
  exit 1
}
end=$(date +%s)
cp "$OBJ/arch/x86/boot/bzImage" "$OUT/bzImage-$TAG"
cp "$OBJ/.config" "$OUT/config-$TAG"
make -s -C "$SRC" O="$OBJ" kernelrelease >"$OUT/release-$TAG" 2>/dev/null
# which Debian package the source came from (regenerate-samples.sh puts it in made_by)
if [ -f "$PKGDIR/.allocscope-source" ] && [ "$TARBALL" = "$PKGDIR/usr/src/linux-source-$VERSION.tar.xz" ]; then
  cp "$PKGDIR/.allocscope-source" "$OUT/source-$TAG"
else
  dpkg-query -W -f '${Package} ${Version} (installed)\n' "$PKG" >"$OUT/source-$TAG" 2>/dev/null || echo "$TARBALL" >"$OUT/source-$TAG"
fi
echo "$((end - start))" >"$OUT/buildtime-$TAG"
echo "built $OUT/bzImage-$TAG ($(cat "$OUT/release-$TAG")) in $((end - start)) s"
