// Derived inputs for the diff tests: each one is a real capture from the corpus (testdata/captures, samples) changed in
// one stated way, written to a temp dir under a name that starts with `derived-`. Never a
// hand-written capture.
import {copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'

let dir: string | undefined
function outDir(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'allocscope-diff-derived-'))
  return dir
}

/** The exact kernel strings (domain.md §2). */
export const OVERFLOW_LINE = 'Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (8192)'
export const POOL_FAIL_LINE = 'early PFN tracking page allocation failed'
/** The recorder's tracking allocation site in the 7.2 captures (grep __alloc_tag_add_early_pfn). */
export const TRACKING_FUNC = '__alloc_tag_add_early_pfn'

/** Site lines of an allocinfo text shuffled with a seeded LCG; the header stays first. */
export function shuffledAllocInfoText(text: string, seed: number): string {
  const lines = text.split('\n')
  const tail = lines[lines.length - 1] === '' ? lines.pop() : undefined
  const head = lines.filter((l) => l.startsWith('allocinfo') || l.startsWith('#'))
  const body = lines.filter((l) => !(l.startsWith('allocinfo') || l.startsWith('#')))
  let s = seed >>> 0
  for (let i = body.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0
    const j = s % (i + 1)
    ;[body[i], body[j]] = [body[j], body[i]]
  }
  return [...head, ...body, ...(tail !== undefined ? [tail] : [])].join('\n')
}

/** The capture's allocinfo with the tracking site's line rewritten to carry bytes/calls. */
export function allocinfoWithTrackingBytes(captureDir: string, bytes: number, calls: number): string {
  const text = readFileSync(join(captureDir, 'allocinfo.txt'), 'utf8')
  let hit = 0
  const out = text
    .split('\n')
    .map((l) => {
      if (!l.includes(`func:${TRACKING_FUNC}`)) return l
      hit++
      // Same layout as alloc_tag_to_text(): "%12lli %8llu ".
      return l.replace(/^\s*-?\d+\s+\d+ /, `${String(bytes).padStart(12)} ${String(calls).padStart(8)} `)
    })
    .join('\n')
  if (hit !== 1) throw new Error(`${captureDir}: expected one ${TRACKING_FUNC} line, found ${hit}`)
  const path = join(outDir(), `derived-${basename(captureDir)}-tracking-${bytes}-allocinfo.txt`)
  writeFileSync(path, out)
  return path
}

/**
 * A copy of the capture directory (dmesg.txt, allocinfo.txt) whose dmesg.txt has `line`
 * appended with a timestamp just after the last record, as the kernel would print it.
 */
export function captureWithLineAppended(captureDir: string, line: string, tag: string): string {
  const dmesg = readFileSync(join(captureDir, 'dmesg.txt'), 'utf8').replace(/\n$/, '')
  const last = [...dmesg.matchAll(/^\[\s*(\d+\.\d+)\]/gm)].pop()
  const t = last ? (Number(last[1]) + 0.000001).toFixed(6).padStart(12) : undefined
  const d = mkdtempSync(join(outDir(), `derived-${basename(captureDir)}-${tag}-`))
  writeFileSync(join(d, 'dmesg.txt'), `${dmesg}\n${t ? `[${t}] ` : ''}${line}\n`)
  // meta.json is left behind: it describes the original boot, not the derived log.
  if (existsSync(join(captureDir, 'allocinfo.txt'))) copyFileSync(join(captureDir, 'allocinfo.txt'), join(d, 'allocinfo.txt'))
  return d
}

/** Writes derived text under a derived- name and returns the path. */
export function writeDerived(name: string, text: string): string {
  const p = join(outDir(), `derived-${name}`)
  writeFileSync(p, text)
  return p
}

/** A copy of the capture directory whose dmesg.txt lines went through `rewrite` (e.g. another CPU/pid). */
export function captureWithLinesRewritten(captureDir: string, rewrite: (line: string) => string, tag: string): string {
  const dmesg = readFileSync(join(captureDir, 'dmesg.txt'), 'utf8')
  const d = mkdtempSync(join(outDir(), `derived-${basename(captureDir)}-${tag}-`))
  writeFileSync(join(d, 'dmesg.txt'), dmesg.split('\n').map(rewrite).join('\n'))
  if (existsSync(join(captureDir, 'allocinfo.txt'))) copyFileSync(join(captureDir, 'allocinfo.txt'), join(d, 'allocinfo.txt'))
  return d
}
