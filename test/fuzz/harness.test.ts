// The fuzz machinery itself: mutations keep the promises the properties rely on, and the engine
// does catch a reader that loses lines (a synthetic broken reader, named as such).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {type FuzzTarget, runFuzz} from '../helpers/fuzz.js'
import {interleave, longLine, MUTATOR_NAMES, mutateChain, MUTATORS, mulberry32, splatRanges, splitLines} from '../helpers/mutate.js'
import {captureDir} from '../helpers/paths.js'
import {BARE_CR} from '../helpers/fuzz-bootlog.js'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'

const NUMA2 = readFileSync(join(captureDir('linux-6.12-instr_smp064_2G_numa2'), 'dmesg.txt'))
const POOL = readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt'))

describe('mutation library', () => {
  it('finds the real WARNING block of the numa2 capture (cut here at line 150, end trace at 172)', () => {
    // grep -n 'cut here\|end trace' linux-6.12-instr_smp064_2G_numa2/dmesg.txt → 150, 172
    expect(splatRanges(splitLines(NUMA2).lines)).toEqual([[149, 171]])
  })

  it('leaves the lines before `untouched` byte-identical, each still ending in a newline', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MUTATOR_NAMES), fc.integer(), fc.boolean(), (name, seed, numa) => {
        const input = numa ? NUMA2 : POOL
        const m = mutateChain(input, [name], seed)
        const a = splitLines(input).lines
        const b = splitLines(m.bytes)
        if (m.sameContent) {
          // Only the line ends changed: same text once CR/LF are normalised.
          expect(m.bytes.toString('latin1').replace(/\r\n?/g, '\n')).toBe(input.toString('latin1'))
          return
        }
        const n = Math.min(m.untouched, a.length)
        for (let i = 0; i < n; i++) expect(b.lines[i]?.equals(a[i]), `${m.name}: line ${i}`).toBe(true)
        if (n > 0) expect(b.lines.length > n || b.finalNewline, m.name).toBe(true)
      }),
      {seed: 42, numRuns: 300},
    )
  })

  it('a tail it says is untouched comes out byte-identical, starting at a line boundary', () => {
    let seen = 0
    fc.assert(
      fc.property(fc.constantFrom(...MUTATOR_NAMES), fc.integer(), (name, seed) => {
        const m = mutateChain(NUMA2, [name], seed)
        if (m.tailStart === undefined) return
        seen++
        expect(m.bytes.subarray(m.tailAt!).equals(NUMA2.subarray(m.tailStart)), m.name).toBe(true)
        expect(m.bytes[m.tailAt! - 1]).toBe(0x0a)
        expect(NUMA2[m.tailStart - 1]).toBe(0x0a)
      }),
      {seed: 7, numRuns: 300},
    )
    expect(seen).toBeGreaterThan(50)
  })

  it('mixed line ends keep the LF count, or leave a bare CR to say the numbers moved (DERIVED from syzkaller/10)', () => {
    // DERIVED: the first lines of testdata/peer/syzkaller/10, its header then a blank line then the
    // first kernel line (line 6). Fuzz seed 898375955 case 2360 ended CORRUPTED: Y with CR and the blank
    // line with CRLF: CR CR LF, one line end (grep -n numbers the kernel line 5), and no bare CR.
    const head = 'TITLE: BUG: unable to handle kernel paging request in __call_rcu\nALT: bad-access in __call_rcu\n' +
      'TYPE: MEMORY_SAFETY_BUG\nCORRUPTED: Y\n\n[ 1019.110825] BUG: unable to handle kernel paging request at 00000000ffffff8a\n'
    const joined = parseBootLogText(head.replace('CORRUPTED: Y\n\n', 'CORRUPTED: Y\r\r\n'))
    expect(joined.records[0].line).toBe(5)
    for (let seed = 0; seed < 300; seed++) {
      const m = MUTATORS['mixed-eol'](Buffer.from(head), mulberry32(seed))
      const text = m.bytes.toString('latin1')
      if (text.split('\n').length !== 7) expect(BARE_CR.test(text), `seed ${seed}: ${JSON.stringify(text.slice(90, 130))}`).toBe(true)
    }
  })

  it('reordering keeps the same multiset of lines', () => {
    const m = MUTATORS.reorder(POOL, mulberry32(3))
    expect(m.sameLines).toBe(true)
    const sort = (b: Buffer) => splitLines(b).lines.map((l) => l.toString('latin1')).sort()
    expect(sort(m.bytes)).toEqual(sort(POOL))
    expect(m.bytes.equals(POOL)).toBe(false)
  })

  it('cutting the splat marks the block it cut', () => {
    const m = mutateChain(NUMA2, ['splat-cut'], 1)
    expect(m.cutSplatLine).toBe(150)
    expect(m.untouched).toBeGreaterThan(150)
    expect(m.untouched).toBeLessThanOrEqual(172)
  })

  it('interleaving keeps both logs whole and in order', () => {
    const m = interleave(NUMA2)(POOL, mulberry32(9))
    const lines = splitLines(m.bytes).lines.map((l) => l.toString('latin1'))
    expect(lines.length).toBe(splitLines(POOL).lines.length + splitLines(NUMA2).lines.length)
    const a = new Set(splitLines(POOL).lines.map((l) => l.toString('latin1')))
    expect(lines.filter((l) => a.has(l)).length).toBeGreaterThanOrEqual(splitLines(POOL).lines.length)
  })

  it('makes a 10 MB line when asked', () => {
    const m = longLine(10 * 1024 * 1024)(POOL, mulberry32(1))
    expect(Math.max(...splitLines(m.bytes).lines.map((l) => l.length))).toBe(10 * 1024 * 1024)
  })
})

describe('fuzz engine', () => {
  it('catches a reader that silently drops the lines it cannot read (synthetic broken reader)', async () => {
    const broken: FuzzTarget = {
      name: 'synthetic-broken',
      corpus: () => [{name: 'pool', bytes: POOL}],
      check(c) {
        const lines = c.bytes.toString('utf8').split('\n')
        // "Parses" lines with a timestamp and forgets the others: the accounting property must catch it.
        const parsed = lines.filter((l) => l.startsWith('['))
        if (parsed.length !== lines.length) throw new Error(`${lines.length - parsed.length} lines unaccounted for`)
      },
    }
    await expect(runFuzz(broken, {seed: 1, runs: 50})).rejects.toThrow(/property failed \(seed 1, path .*\n.*case:/)
  })

  it('reports a case slower than its budget as a near-hang', async () => {
    const slow: FuzzTarget = {
      name: 'synthetic-slow',
      corpus: () => [{name: 'pool', bytes: POOL}],
      check: () => new Promise((r) => setTimeout(r, 30)),
    }
    await expect(runFuzz(slow, {seed: 1, runs: 3, caseBudgetMs: 5})).rejects.toThrow(/near-hang/)
  })
})
