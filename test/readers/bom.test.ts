// A UTF-8 byte order mark before the first line (an editor's save, some Windows tools) is stripped
// by one function, lines.ts stripBom, wherever text is read: the line splitters (boot logs, fleet),
// the allocinfo scanner, diff's sniffing. Inputs here are DERIVED: a real sample with EF BB BF
// prepended, read as the sample itself is.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import {classifyInput} from '../../src/diff/inputs.js'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {ByteLineSplitter, LineSplitter, stripBom} from '../../src/readers/lines.js'
import {SAMPLES} from '../helpers/paths.js'

const SAMPLE = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const BOM = Buffer.from([0xef, 0xbb, 0xbf])
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-bom-'))

/** The sample's file with a BOM in front (DERIVED). */
function withBom(name: string): string {
  const path = join(tmp, `bom-${name}`)
  writeFileSync(path, Buffer.concat([BOM, readFileSync(join(SAMPLE, name))]))
  return path
}

describe('stripBom', () => {
  it('drops one U+FEFF at the start only', () => {
    expect(stripBom('\ufeffallocinfo - version: 2.0')).toBe('allocinfo - version: 2.0')
    expect(stripBom('\ufeff\ufeffx')).toBe('\ufeffx')
    expect(stripBom('x\ufeff')).toBe('x\ufeff')
    expect(stripBom('')).toBe('')
  })
})

describe('a BOM before the first line of a real sample is no part of it', () => {
  it('allocinfo: the same header, sites and skipped lines as the sample', async () => {
    const [plain, bom] = await Promise.all([readAllocInfo(join(SAMPLE, 'allocinfo.txt')), readAllocInfo(withBom('allocinfo.txt'))])
    expect(bom.version).toBe(plain.version)
    expect(bom.sites).toEqual(plain.sites)
    expect(bom.skippedTotal).toBe(plain.skippedTotal)
  })
  it('boot log: the same host and findings', async () => {
    const [plain, bom] = await Promise.all([analyseBootLog(join(SAMPLE, 'dmesg.txt')), analyseBootLog(withBom('dmesg.txt'))])
    expect(bom.format).toBe(plain.format)
    expect(bom.host).toEqual(plain.host)
    expect(bom.findings.map((f) => [f.id, f.line])).toEqual(plain.findings.map((f) => [f.id, f.line]))
  })
  it('diff sniffs it as the allocinfo dump it is', () => {
    expect(classifyInput(withBom('allocinfo.txt')).kind).toBe('allocinfo')
  })
  it('the splitters: first line only, text and bytes', () => {
    const text: string[] = []
    const t = new LineSplitter((l) => text.push(l))
    t.push('\ufeffa\n\ufeffb\n')
    t.end()
    expect(text).toEqual(['a', '\ufeffb'])
    const bytes: string[] = []
    const b = new ByteLineSplitter((l) => bytes.push(l))
    b.push(Buffer.concat([BOM, Buffer.from('é\n'), BOM, Buffer.from('b\n')]))
    b.end()
    expect(bytes).toEqual(['é', '\ufeffb'])
  })
})
