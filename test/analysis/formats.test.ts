// The same facts, profiling state and findings from every boot-log format: each real dmesg.txt is
// converted (DERIVED, by test/helpers/convert.ts) and analysed through the real reader.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import type {BootAnalysis} from '../../src/types.js'
import {CONVERTERS, VARIANTS, toGzip} from '../helpers/convert.js'
import {captureDir} from '../helpers/paths.js'

const TMP = mkdtempSync(join(tmpdir(), 'allocscope-analysis-formats-'))
afterAll(() => rmSync(TMP, {recursive: true, force: true}))

const SOURCES = [
  join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'),
  join(captureDir('linux-6.12-instr_smp064_2G_numa2'), 'dmesg.txt'),
  join(captureDir('lkml-7.0-rc4-alloc-tag-not-set'), 'dmesg-excerpt.txt'),
]

/** What must not depend on the format: values, not line numbers (converters add/remove lines). */
function essence(a: BootAnalysis) {
  return {
    host: Object.fromEntries(Object.entries(a.host).map(([k, f]) => [k, f.value])),
    mode: a.profiling.mode,
    debug: a.profiling.debug,
    recorder: a.profiling.recorder,
    klab: a.klab.map((k) => [k.kind, k.values]),
    findings: a.findings.map((f) => ({
      id: f.id,
      title: f.title,
      signature: f.signature,
      count: f.count,
      splat: f.splat && {
        banner: f.splat.banner,
        at: [f.splat.file, f.splat.fileLine, f.splat.fn, f.splat.cpu, f.splat.comm, f.splat.pid],
        frames: f.splat.frames.map((x) => `${x.reliable ? '' : '? '}${x.fn}`),
        guilty: f.splat.guilty?.fn,
        message: f.splat.message,
      },
    })),
  }
}

let n = 0
/** Every format is read: one that is not fails the test (no format is skipped). */
async function analyseConverted(data: string | Buffer, ext = '.log'): Promise<BootAnalysis> {
  const path = join(TMP, `in-${n++}${ext}`)
  writeFileSync(path, data)
  return analyseBootLog(path)
}

describe.each(SOURCES)('%s in every format (DERIVED)', (src) => {
  const text = readFileSync(src, 'utf8')
  const cases = [
    ...Object.entries(CONVERTERS).map(([name, convert]) => ({name, convert, ext: '.log'})),
    ...VARIANTS.map((v) => ({name: v.name, convert: v.convert, ext: '.log'})),
    {name: 'gzip', convert: (t: string) => toGzip(t), ext: '.gz'},
  ]
  let base: ReturnType<typeof essence>

  it.each(cases)('$name', async ({convert, ext}) => {
    base ??= essence(await analyseConverted(text))
    expect(base.host.release ?? base.findings.length).toBeTruthy()
    expect(essence(await analyseConverted(convert(text), ext))).toEqual(base)
  })
})
