// The trend lab: a guest init that samples /proc/allocinfo from inside the guest while a workload
// runs (the leak module of lab/module/, or page-cache and slab churn), printing every snapshot on
// the serial console with the guest clock's times; and the host side that reads them back out of
// console.log. lab/trend-series.sh runs the four series committed in testdata/trend/.
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseAllocInfoText} from '../readers/allocinfo.js'
import {SERIES_RECORDING} from '../readers/dir.js'
import {splitAtLF} from '../readers/lines.js'
import {DeltaEncoder, RecordingWriter} from '../trend/recording.js'
import {type CpioEntry, dir, file, symlink} from './cpio.js'
import {APPLETS, dumpAndPowerOff} from './initramfs.js'

/** A snapshot starts with this word and `k=v` fields on the same line (not a section marker:
 *  console.ts only splits on lines that are exactly `===KLAB-NAME===`). */
export const SNAP_MARKER = '===KLAB-SNAP==='
export const SNAP_END_MARKER = '===KLAB-SNAP-END==='
/** What the workload did and when (guest uptime): insmod, rmmod, busy start/stop. */
export const EVENT_MARKER = '===KLAB-EVENT==='

export const SERIES_KINDS = ['leak', 'churn', 'unload', 'busy'] as const
export type SeriesKind = (typeof SERIES_KINDS)[number]

export interface SeriesOptions {
  kind: SeriesKind
  /** Snapshots in all (for `unload`: the module is removed after two thirds of them). */
  snapshots: number
  /** Seconds slept between two snapshots (the guest's busybox sleep). */
  intervalS: number
  /** Module parameters for klab_leak.ko (leak/unload: mode=leak; churn: mode=churn). */
  moduleParams?: string
}

export const SERIES_TITLES: Record<SeriesKind, string> = {
  leak: 'klab_leak.ko mode=leak loaded after 2 snapshots: 512 B kmalloc every 100 ms, never freed',
  churn: 'klab_leak.ko mode=churn loaded after 2 snapshots: 512 B every 100 ms into a 32-slot ring, the replaced block freed (control)',
  unload: 'klab_leak.ko mode=leak loaded after 2 snapshots, removed (rmmod) after two thirds of the snapshots: the module-unload leak',
  busy: 'no module; a shell loop writes, reads and deletes tmpfs files, makes and removes directories, forks, drops caches (control)',
}

/** Busybox applets the series init calls, beyond the capture init's. */
const SERIES_APPLETS = ['insmod', 'rmmod', 'lsmod', 'dd', 'rm', 'mkdir', 'touch', 'date', 'kill', 'uname', 'wc', 'cut'] as const

/** Shell functions of the series init: one snapshot (`snap`), one event line (`event`). */
const SNAP_FN = `snap() {
  n=$((n + 1))
  read t0 idle < /proc/uptime
  cat /proc/allocinfo > /snap.txt
  read t1 idle < /proc/uptime
  echo "${SNAP_MARKER} n=$n uptime=$t0 uptime_end=$t1 epoch=$(date +%s) phase=$phase"
  cat /snap.txt
  echo "${SNAP_END_MARKER} n=$n"
}
event() { read t idle < /proc/uptime; echo "${EVENT_MARKER} uptime=$t $*"; }
sample() { i=0; while [ $i -lt $1 ]; do snap; sleep ${'$'}{INTERVAL}; i=$((i + 1)); done; }
`

/** The busy control's churn: tmpfs page cache, dentries/inodes, forks; caches dropped now and then. */
const BUSY_FN = `busy() {
  i=0
  while :; do
    i=$((i + 1))
    dd if=/dev/zero of=/tmp/busy$((i % 4)) bs=4k count=$((64 + i % 192)) 2>/dev/null
    cat /tmp/busy$((i % 4)) > /dev/null
    mkdir /tmp/d$i && touch /tmp/d$i/a /tmp/d$i/b && rm -r /tmp/d$i
    [ $((i % 8)) -eq 0 ] && rm -f /tmp/busy*
    [ $((i % 50)) -eq 0 ] && echo 3 > /proc/sys/vm/drop_caches
  done
}
`

function workloadScript(o: SeriesOptions): string {
  const params = o.moduleParams ?? (o.kind === 'churn' ? 'mode=churn' : 'mode=leak')
  const load = `event insmod klab_leak ${params}\ninsmod /klab_leak.ko ${params}\nphase=module\n`
  switch (o.kind) {
    case 'leak':
    case 'churn':
      return `sample 2\n${load}sample ${o.snapshots - 2}\nevent rmmod klab_leak\nrmmod klab_leak\n`
    case 'unload': {
      const loaded = Math.max(3, Math.round((o.snapshots * 2) / 3) - 2)
      return `sample 2\n${load}sample ${loaded}\nevent rmmod klab_leak\nrmmod klab_leak\nphase=unloaded\nsample ${o.snapshots - 2 - loaded}\n`
    }
    case 'busy':
      return `${BUSY_FN}sample 2\nevent busy start\nbusy &\nbpid=$!\nphase=busy\nsample ${o.snapshots - 2}\nevent busy stop\nkill $bpid\n`
  }
}

/** The guest's /init: sample while the workload runs, then the capture init's dump and power-off. */
export function seriesInitScript(o: SeriesOptions): string {
  if (!Number.isInteger(o.snapshots) || o.snapshots < 6) throw new RangeError(`a series needs at least 6 snapshots, got ${o.snapshots}`)
  return `#!/bin/sh
# allocscope trend lab (${o.kind}): ${SERIES_TITLES[o.kind]}.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
# Kernel messages stay in the log buffer (dumped at the end), not between snapshot lines.
dmesg -n 1
INTERVAL=${o.intervalS}
phase=before
n=0
echo "${EVENT_MARKER} uptime=0 release=$(uname -r) kind=${o.kind}"
${SNAP_FN}${workloadScript(o)}${dumpAndPowerOff()}`
}

/** What the series initramfs adds to the capture's: the applets, /tmp, the module. */
export function seriesExtraEntries(module?: Buffer): CpioEntry[] {
  const have = new Set<string>(APPLETS)
  const out: CpioEntry[] = SERIES_APPLETS.filter((a) => !have.has(a)).map((a) => symlink(`bin/${a}`, 'busybox'))
  out.push(dir('tmp', 0o1777))
  if (module) out.push(file('klab_leak.ko', module, 0o644))
  return out
}

export interface GuestSnapshot {
  n: number
  /** Guest uptime (/proc/uptime, 10 ms steps) before and after reading /proc/allocinfo. */
  uptimeS: number
  uptimeEndS: number
  /** Guest wall clock (date +%s) when the snapshot was printed. */
  epochS: number
  phase: string
  /** The /proc/allocinfo text, LF line ends. */
  text: string
  /** 1-based line of the snapshot marker in console.log. */
  consoleLine: number
}

export interface GuestEvent {
  uptimeS: number
  what: string
  consoleLine: number
}

export interface SeriesConsole {
  snapshots: GuestSnapshot[]
  events: GuestEvent[]
  release?: string
  /** Snapshots whose end marker never came (the run was cut): not in `snapshots`. */
  cut: number
}

const fields = (s: string): Record<string, string> => Object.fromEntries([...s.matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1], m[2]]))

/** The snapshots and events of a series console.log (CRLF or LF). */
export function parseSeriesConsole(text: string): SeriesConsole {
  // LF-ended lines (lines[i] is console line i + 1); a bare CR inside one is kept, not split at as
  // splitLines would: a snapshot's text goes whole to the allocinfo reader, which judges it.
  const lines = splitAtLF(text)
  const out: SeriesConsole = {snapshots: [], events: [], cut: 0}
  let open: {head: Record<string, string>; start: number; line: number} | undefined
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    if (l.startsWith(SNAP_MARKER + ' ')) {
      if (open) out.cut++
      open = {head: fields(l), start: i + 1, line: i + 1}
    } else if (l.startsWith(SNAP_END_MARKER) && open) {
      const h = open.head
      out.snapshots.push({
        n: Number(h.n), uptimeS: Number(h.uptime), uptimeEndS: Number(h.uptime_end), epochS: Number(h.epoch), phase: h.phase ?? '',
        text: lines.slice(open.start, i).join('\n') + '\n', consoleLine: open.line,
      })
      open = undefined
    } else if (l.startsWith(EVENT_MARKER + ' ')) {
      const f = fields(l)
      if (f.release) out.release = f.release
      out.events.push({uptimeS: Number(f.uptime), what: l.slice(EVENT_MARKER.length + 1).replace(/^uptime=\S+\s*/, ''), consoleLine: i + 1})
    }
  }
  if (open) out.cut++
  return out
}

/**
 * The series as an allocscope recording: the guest's snapshots, timed by the guest's clock
 * (uptime since boot, anchored to the guest's wall clock at the first snapshot: `date +%s` has
 * one-second steps, uptime 10 ms ones).
 */
export function writeSeriesRecording(series: SeriesConsole, out: string, header: {source: string; tool: string; provenance: string}): number {
  const first = series.snapshots[0]
  if (first === undefined) throw new RangeError('no complete snapshot in the console')
  const bootMs = first.epochS * 1000 - first.uptimeS * 1000
  const w = new RecordingWriter(out, {created: new Date(bootMs + first.uptimeS * 1000).toISOString(), ...header})
  const enc = new DeltaEncoder()
  try {
    for (const s of series.snapshots) {
      const info = parseAllocInfoText(s.text, `console.log:${s.consoleLine}`)
      w.write(enc.encode(info, {time: new Date(bootMs + s.uptimeS * 1000), uptimeS: s.uptimeS, readMs: (s.uptimeEndS - s.uptimeS) * 1000, release: series.release}))
    }
  } finally {
    w.close()
  }
  return w.bytesWritten
}

export interface SeriesSummary {
  kind: SeriesKind
  title: string
  snapshots: number
  cut: number
  release?: string
  events: GuestEvent[]
  module_sha256?: string
  interval_s: number
  recording: string
  recording_bytes: number
  note: string
}

/** After a series boot: console.log → recording.arec.gz and series.json in the capture directory. */
export function finishSeries(dir: string, o: SeriesOptions & {moduleSha256?: string; provenance: string; tool: string}): SeriesSummary {
  const series = parseSeriesConsole(readFileSync(join(dir, 'console.log'), 'latin1'))
  const recording = join(dir, SERIES_RECORDING)
  const bytes = series.snapshots.length > 0 ? writeSeriesRecording(series, recording, {source: '/proc/allocinfo (guest, via the serial console)', tool: o.tool, provenance: o.provenance}) : 0
  const summary: SeriesSummary = {
    kind: o.kind, title: SERIES_TITLES[o.kind], snapshots: series.snapshots.length, cut: series.cut, release: series.release, events: series.events,
    ...(o.moduleSha256 ? {module_sha256: o.moduleSha256} : {}), interval_s: o.intervalS, recording: SERIES_RECORDING, recording_bytes: bytes,
    note: 'snapshots read by cat /proc/allocinfo inside the guest; times are the guest clock (uptime, anchored to date +%s at the first snapshot)',
  }
  writeFileSync(join(dir, 'series.json'), JSON.stringify(summary, null, 2) + '\n')
  return summary
}
