# Shared by lab/regenerate-samples.sh and lab/calibration-boots.sh (sourced, with HERE set to lab/
# and LAB_ARG to the script's first argument): where things are, the boot defaults, and how a lab
# kernel was made, for the made_by of every capture.
REPO=$(dirname "$HERE")
LAB=${LAB_ARG:-${ALLOCSCOPE_LAB:-${XDG_CACHE_HOME:-$HOME/.cache}/allocscope/lab}}
DEST=${DEST:-$LAB/captures}
ACCEL=${ACCEL:-tcg}
ONLY=${ONLY:-}
CLI="node $REPO/bin/run.js"
# The corpus boots' command line: profiling on, and a fixed loops_per_jiffy so that TCG does not
# spend seconds calibrating the delay loop on every CPU.
BASE_APPEND="sysctl.vm.mem_profiling=1 lpj=8384024"

[ -f "$REPO/dist/commands/capture.js" ] || { echo "build first: (cd $REPO && npx tsc -p tsconfig.json)" >&2; exit 1; }

# Is $ONLY empty or does it name $1?
wanted() {
  [ -z "$ONLY" ] && return 0
  case " $ONLY " in *" $1 "*) return 0 ;; esac
  return 1
}

# How $LAB/out/bzImage-<tag> was built: source package, config fragments, patches.
kernel_how() {
  _tag=$1
  _version=${_tag%%-*}
  _variant=''
  [ "$_tag" = "$_version" ] || _variant=${_tag#*-}
  _src=$(cat "$LAB/out/source-$_tag" 2>/dev/null || echo "linux-source-$_version")
  _how="lab/build-kernel.sh from Debian $_src: tinyconfig + lab/kernel.config"
  if [ -n "$_variant" ]; then
    [ -f "$HERE/kernel-$_variant.config" ] && _how="$_how + lab/kernel-$_variant.config"
    [ -f "$HERE/patches/$_version-$_variant.patch" ] && _how="$_how, patch lab/patches/$_version-$_variant.patch"
    [ -f "$HERE/patches/$_version-$_variant.series" ] &&
      _how="$_how, patches $(grep -v '^#' "$HERE/patches/$_version-$_variant.series" | sed 's|^|lab/patches/|' | tr '\n' ' ' | sed 's/ $//')"
  fi
  echo "$_how"
}

# The kernel image's release and sha256 prefix, for made_by.
kernel_id() {
  echo "$(cat "$LAB/out/release-$1" 2>/dev/null); $(kernel_how "$1"); bzImage sha256 $(sha256sum "$LAB/out/bzImage-$1" | cut -c1-16)..."
}
