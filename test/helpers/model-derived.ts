// DERIVED captures for the calibration tests: real boot logs rewritten so that they carry only
// the legacy overflow message (no klab: counts), to exercise lower bounds. No capture in the
// corpus printed that message, so these are derived, never presented as real boots.
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {captureDir} from './paths.js'

/**
 * A copy of a real capture's dmesg.txt with its klab: lines removed, nr_cpu_ids set to `cpus`, and
 * the legacy recorder's overflow warning inserted after the page_ext line.
 */
export function derivedOverflowCapture(from: string, cpus: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'allocscope-derived-')), `derived-overflow-${from}-c${cpus}`)
  mkdirSync(dir)
  const src = readFileSync(join(captureDir(from), 'dmesg.txt'), 'utf8')
  const out: string[] = []
  for (const l of src.split('\n')) {
    if (l.includes('klab:')) continue
    out.push(l.replace(/nr_cpumask_bits:\d+ nr_cpu_ids:\d+/, `nr_cpumask_bits:${cpus} nr_cpu_ids:${cpus}`))
    if (/allocated \d+ bytes of page_ext/.test(l)) {
      out.push(l.replace(/\].*$/, '] Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (8192)'))
    }
  }
  writeFileSync(join(dir, 'dmesg.txt'), out.join('\n'))
  return dir
}
