// Splitting a lab boot's raw serial console (console.log) into the files of a capture directory.
// The guest init (see initramfs.ts) prints each dump between `===KLAB-<NAME>===` marker lines; the
// serial line turns every LF into CRLF (the 8250 console's ONLCR), so a section is the text
// between two markers with CRLF turned back into LF, nothing else changed.

import {splitAtLF, trimLineEndCR} from '../readers/lines.js'

/** The markers the lab init prints, in order. A section runs from its marker to the next one. */
export const MARKERS = {
  dmesgBegin: '===KLAB-DMESG-BEGIN===',
  dmesgEnd: '===KLAB-DMESG-END===',
  allocinfoBegin: '===KLAB-ALLOCINFO-BEGIN===',
  allocinfoEnd: '===KLAB-ALLOCINFO-END===',
  cpuinfo: '===KLAB-CPUINFO-PROCESSORS===',
  meminfo: '===KLAB-MEMINFO===',
  memProfiling: '===KLAB-MEM-PROFILING===',
  end: '===KLAB-END===',
} as const

const MARKER_RE = /^===KLAB-[A-Z0-9-]+===$/

/** How far the guest got, judged from what it printed. */
export type BootStage =
  | 'no-output' // QEMU ran but the kernel printed nothing on ttyS0
  | 'kernel' // the kernel printed, but never ran /init
  | 'init' // /init ran, but no dump (or a partial one) came out
  | 'complete' // every marker through ===KLAB-END=== was printed

export interface ConsoleSplit {
  /** Text between DMESG-BEGIN and DMESG-END, LF line ends; undefined when the section is not closed. */
  dmesg?: string
  allocinfo?: string
  cpuinfoProcessors?: number
  meminfoHead?: string[]
  memProfiling?: string
  /** Marker names seen, in order. */
  markers: string[]
  stage: BootStage
  /** Linux release from the `Linux version <release>` banner, when printed. */
  kernelRelease?: string
  /** The last non-empty console line: what the guest was doing when it stopped. */
  lastLine?: string
  /** The console ends without a line end: cut mid-line (e.g. killed on timeout). */
  cutMidLine: boolean
}

interface Section {
  name: string
  /** Byte offset of the first line after the marker. */
  start: number
  /** Offset of the next marker line (or undefined while unterminated). */
  end?: number
}

/** Split a console.log (as a string, latin1 or utf8: only ASCII markers are looked for). */
export function splitConsole(text: string): ConsoleSplit {
  const sections: Section[] = []
  const markers: string[] = []
  // Walk line by line keeping offsets, so sections are exact slices of the original text.
  let pos = 0
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos)
    const lineEnd = nl === -1 ? text.length : nl + 1
    const line = trimLineEndCR(text.slice(pos, nl === -1 ? text.length : nl))
    if (MARKER_RE.test(line)) {
      if (sections.length > 0 && sections.at(-1)!.end === undefined) sections.at(-1)!.end = pos
      sections.push({name: line, start: lineEnd})
      markers.push(line)
    }
    pos = lineEnd
  }
  const body = (name: string, closer: string): string | undefined => {
    const i = sections.findIndex((s) => s.name === name)
    if (i === -1 || sections[i + 1]?.name !== closer) return undefined
    return crlfToLf(text.slice(sections[i].start, sections[i].end))
  }
  const next = (name: string): string | undefined => {
    const i = sections.findIndex((s) => s.name === name)
    if (i === -1 || sections[i].end === undefined) return undefined
    return crlfToLf(text.slice(sections[i].start, sections[i].end))
  }

  const out: ConsoleSplit = {markers, stage: stageOf(text, markers), cutMidLine: text.length > 0 && !text.endsWith('\n')}
  out.dmesg = body(MARKERS.dmesgBegin, MARKERS.dmesgEnd)
  out.allocinfo = body(MARKERS.allocinfoBegin, MARKERS.allocinfoEnd)
  const cpus = next(MARKERS.cpuinfo)?.trim()
  if (cpus && /^\d+$/.test(cpus)) out.cpuinfoProcessors = Number(cpus)
  const mem = next(MARKERS.meminfo)
  if (mem !== undefined) out.meminfoHead = mem.split('\n').filter((l) => l !== '')
  const prof = next(MARKERS.memProfiling)?.trim()
  if (prof !== undefined && prof !== '') out.memProfiling = prof
  const release = /Linux version (\S+)/.exec(text)
  if (release) out.kernelRelease = release[1]
  // Whole LF-ended lines, as the console log holds them (a bare CR inside one kept, not split at as
  // splitLines would): what grep finds in console.log for the line last_console_line names.
  const lines = splitAtLF(text).filter((l) => l.trim() !== '')
  if (lines.length > 0) out.lastLine = lines.at(-1)
  return out
}

/**
 * Undoes the serial line's ONLCR exactly: one CR before each LF, the one the tty added. Not
 * trimLineEndCR on purpose: a CR the guest printed itself (CR CR LF on the wire) stays, so that
 * the section is byte for byte what the guest wrote (test/lab/console: dmesg.txt, allocinfo.txt).
 */
function crlfToLf(s: string): string {
  return s.replace(/\r\n/g, '\n')
}

function stageOf(text: string, markers: string[]): BootStage {
  if (markers.includes(MARKERS.end)) return 'complete'
  // kernel_init() prints this just before it execs the initramfs /init (init/main.c run_init_process).
  if (markers.length > 0 || /Run \S+ as init process/.test(text)) return 'init'
  if (text.trim() === '') return 'no-output'
  return 'kernel'
}
