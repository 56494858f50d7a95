// `predict --hosts` streams the inventory (issue 14: "A 1 000 000-row inventory was killed at 120 s
// and 2.65 GB: stream rows through"). The rows are read with csv-parse's streaming API, predicted
// (hosts of one shape once) and written as they come in every format (table and text measure their
// columns in a first pass over a file, or from the first rows of stdin); the output is byte for byte
// what the held path (parseInventory, predictFleet, fleetBlock, renderReport/toJson) gives.
// Inventories: the SYNTHETIC samples/inventory.csv, and a SYNTHETIC 6*10^4-row (10^6 with npm run fuzz:rows) inventory generated here
// from its rows (names h0..h999999), whose run must stay under the 200 MiB peak RSS.
import {createWriteStream, existsSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, writeFileSync} from 'node:fs'
import {once} from 'node:events'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {PredictionCache, predictFleet, predictHostRow} from '../../src/model/fleet.js'
import {type InventoryHost, InventoryRows, parseInventory, readInventory} from '../../src/model/inventory.js'
import {fleetBlock} from '../../src/model/report.js'
import {renderReport} from '../../src/render/format.js'
import {toJson} from '../../src/render/json.js'
import {RSS_LIMIT_MIB, runWithRss} from '../helpers/cli-rss.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const INVENTORY = join(SAMPLES, 'inventory.csv')
const OPTS = {tracker: 'both' as const, seed: 1, legacyMax: 8192}
let T: string
beforeAll(() => {
  T = mkdtempSync(join(tmpdir(), 'allocscope-inventory-'))
})
afterAll(() => rmSync(T, {recursive: true, force: true}))

async function readAll(path: string): Promise<InventoryHost[]> {
  const out: InventoryHost[] = []
  for await (const batch of readInventory(path, new InventoryRows(path))) out.push(...batch)
  return out
}

const strip = (hs: InventoryHost[]) => hs.map(({shape: _shape, ...h}) => h)

describe('the streamed inventory reader', () => {
  it('reads what parseInventory reads (hosts, rows, passed-through cells)', async () => {
    const held = parseInventory(readFileSync(INVENTORY, 'utf8'), INVENTORY)
    expect(strip(await readAll(INVENTORY))).toEqual(strip(held))
    expect(held.length).toBe(7)
  })

  it('an error in a later row names its line, as the held reader does', async () => {
    const p = join(T, 'bad-row.csv')
    writeFileSync(p, `# synthetic\nname,cpus\n${Array.from({length: 3000}, (_, i) => `h${i},4`).join('\n')}\nlast,x\n`)
    const want = `${p}:3003: column cpus: "x" is not a whole number`
    expect(() => parseInventory(readFileSync(p, 'utf8'), p)).toThrow(want)
    await expect(readAll(p)).rejects.toThrow(want)
  })

  it('table from a file: a bad last row after more than a MiB of rows prints nothing (the first pass reads it all)', async () => {
    const p = join(T, 'bad-last.csv')
    writeFileSync(p, `# synthetic\nname,cpus\n${Array.from({length: 12_000}, (_, i) => `host-${i},4`).join('\n')}\nlast,x\n`)
    const r = await runCommand(['predict', '--hosts', p, '--format', 'table'], {root: REPO})
    expect(r.stderr).toContain(`${p}:12003: column cpus: "x" is not a whole number`)
    expect(r.stdout).toBe('')
    // The same rows without the bad one: more than the MiB the streamed writers hold back.
    writeFileSync(p, `# synthetic\nname,cpus\n${Array.from({length: 12_000}, (_, i) => `host-${i},4`).join('\n')}\n`)
    expect((await runCommand(['predict', '--hosts', p, '--format', 'table'], {root: REPO})).stdout.length).toBeGreaterThan(1 << 20)
  })

  it('a host outside physical sense is refused naming the file and its row\'s line', async () => {
    const p = join(T, 'absurd.csv')
    writeFileSync(p, '# synthetic\nname,cpus,memory\na,4,1G\nb,99999999,1G\n')
    const r = await runCommand(['predict', '--hosts', p, '--format', 'csv'], {root: REPO})
    expect(r.stderr).toContain(`${p}:4: column cpus: possible CPUs must be an integer 1..65536, got 99999999`)
    // An inventory names no flag: the value itself is given in exact digits (99999999 * 2^40).
    writeFileSync(p, '# synthetic\nname,cpus,memory\na,4,99999999T\n')
    const m = await runCommand(['predict', '--hosts', p], {root: REPO})
    expect(m.stderr).toContain(`${p}:3: column memory: memory must be at most 4P (52-bit physical addresses), got 109951161678088372224 bytes`)
    expect(r.error?.oclif?.exit).toBe(2)
  })

  it('a missing file and an empty one: one line each, as before', async () => {
    await expect(readAll(join(T, 'nope.csv'))).rejects.toThrow(`${join(T, 'nope.csv')}: cannot read the inventory (no such file or directory)`)
    writeFileSync(join(T, 'empty.csv'), '')
    await expect(readAll(join(T, 'empty.csv'))).rejects.toThrow('empty.csv: no hosts')
  })

  it('hosts of one shape are predicted once: the cached rows equal the uncached ones', () => {
    const hosts = parseInventory(readFileSync(INVENTORY, 'utf8'), INVENTORY)
    const twice = [...hosts, ...hosts.map((h) => ({...h, host: {...h.host, name: `${h.host.name}-2`}}))]
    const cache = new PredictionCache()
    const cached = twice.map((h) => predictHostRow(h, OPTS, cache))
    expect(cached.map((c) => c.row)).toEqual(predictFleet(twice, OPTS).rows)
    // The second half came from the cache: the very same prediction objects.
    cached.slice(7).forEach((c, i) => expect(c.prediction).toBe(cached[i].prediction))
  })
})

describe('predict --hosts writes what the held path renders', () => {
  const held = () => {
    const hosts = parseInventory(readFileSync(INVENTORY, 'utf8'), INVENTORY)
    const {rows} = predictFleet(hosts, OPTS)
    return {rows, report: {blocks: [fleetBlock(rows, ['rack', 'owner'])]}}
  }
  const cli = async (args: string[]) => {
    const r = await runCommand(['predict', '--hosts', INVENTORY, ...args], {root: REPO})
    expect(r.error).toBeUndefined()
    return r.stdout
  }

  it('--json: the same envelope, byte for byte', async () => {
    expect(await cli(['--json'])).toBe(toJson('predict', {hosts: held().rows}, []))
  })

  for (const format of ['csv', 'markdown', 'table', 'text'] as const) {
    it(`--format ${format}`, async () => {
      expect(await cli(['--format', format, '--no-color'])).toBe(renderReport(held().report, format, {width: 80, csv: {titles: true}}))
    })
  }

  it('--block Fleet with csv: one plain table, no title line; a wrong --block is refused before reading', async () => {
    expect((await cli(['--format', 'csv', '--block', 'Fleet'])).split('\n')[0]).toMatch(/^host,CPUs,/)
    const r = await runCommand(['predict', '--hosts', join(T, 'nope.csv'), '--block', 'Nope'], {root: REPO})
    expect(r.stderr).toContain("--block Nope: no such block; expected one of 'Fleet'")
  })
})

// stdin cannot be read twice: table and text size their columns from the first rows (10 000, a
// batch more at most) and a later, wider cell wraps within its column, nothing cut.
describe.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('predict --hosts - (stdin) in table and text (built CLI)', () => {
  const feed = (text: string) => async (w: NodeJS.WritableStream) => {
    if (!w.write(text)) await once(w, 'drain')
  }

  it('a small inventory: the held layout, byte for byte, in text and table', async () => {
    const text = readFileSync(INVENTORY, 'utf8')
    for (const format of ['text', 'table'] as const) {
      const r = await runWithRss(['predict', '--hosts', '-', '--format', format, '--no-color'], {home: T, input: feed(text), env: {COLUMNS: '200'}})
      expect(r.stderr).toBe('')
      expect(r.stdout).toBe(renderReport(held7(), format, {width: 200}))
    }
  })

  it('a name longer than those of the first 11 000 rows wraps in its column (SYNTHETIC rows)', async () => {
    const rows = Array.from({length: 11_000}, (_, i) => `n${i % 10},4,8G`)
    const text = `# SYNTHETIC\nname,cpus,memory\n${rows.join('\n')}\nlongname,4,8G\n`
    const r = await runWithRss(['predict', '--hosts', '-', '--format', 'table', '--no-color'], {home: T, input: feed(text), env: {COLUMNS: '200'}})
    expect(r.stderr).toBe('')
    const lines = r.stdout.split('\n')
    // The host column is as wide as its header (the names seen are two characters): "longname" on two lines.
    expect(lines[2]).toMatch(/^│ host │ CPUs │/)
    const tail = lines.slice(-5, -3).map((l) => l.split('│')[1].trim())
    expect(tail).toEqual(['long', 'name'])
    // Title, top rule, header, rule, 11 000 rows, the last on two lines, bottom rule, blank line.
    expect(lines.length).toBe(1 + 3 + 11_000 + 2 + 1 + 1 + 1)
  })
})

/** A SYNTHETIC inventory of `n` rows: the sample's seven hosts over and over, named h0, h1, ... */
async function syntheticInventory(path: string, n: number): Promise<void> {
  const lines = readFileSync(INVENTORY, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
  const [header, ...rows] = lines
  const out = createWriteStream(path)
  out.write(`# SYNTHETIC: ${n} rows generated by test/model/inventory-stream.test.ts from samples/inventory.csv\n${header}\n`)
  let chunk = ''
  for (let i = 0; i < n; i++) {
    chunk += `h${i}${rows[i % rows.length].slice(rows[i % rows.length].indexOf(','))}\n`
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'close')
}

/** Lines of a file, its first and last lines, read in chunks (the output of 10^6 rows is not held). */
function countLines(path: string): {lines: number; last: string; head: string[]; tail: string[]} {
  const fd = openSync(path, 'r')
  const buf = Buffer.alloc(1 << 20)
  let lines = 0
  let head = ''
  let tail = ''
  for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
    for (let i = buf.indexOf(10); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) lines++
    if (head.length < 8192) head += buf.toString('utf8', 0, Math.min(n, 8192))
    tail = (tail + buf.toString('latin1', 0, n)).slice(-8192)
  }
  closeSync(fd)
  const tailLines = Buffer.from(tail, 'latin1').toString('utf8').split('\n')
  return {lines, last: tail.trimEnd().split('\n').pop()!, head: head.split('\n'), tail: tailLines}
}

/**
 * 6 * 10^4 rows in `npm test`: the table that held every row (the build at c1e1891) peaked at
 * 242 MiB on them (341 MiB on 10^5), over the bound, where the streamed one takes 139 MiB, so the
 * table's bound still proves the streaming. The csv that held
 * every row peaked at 141 MiB on 10^5 rows (same build, `/usr/bin/time -f %M`): under the bound, so
 * there the bound proves nothing and csv's RSS is checked at the 10^6 rows only
 * (`npm run fuzz:rows`, ALLOCSCOPE_FUZZ_ROWS); `npm test` proves csv streams from a pipe instead.
 */
const FUZZ_ROWS = process.env.ALLOCSCOPE_FUZZ_ROWS
const N = Number(FUZZ_ROWS ?? 60_000)
const built = existsSync(join(REPO, 'dist', 'commands'))
describe.skipIf(!built)(`a ${N}-row inventory (built CLI; npm run build; npm run fuzz:rows: 10^6)`, () => {
  it.skipIf(FUZZ_ROWS === undefined)(`--format csv: every row out, peak RSS under ${RSS_LIMIT_MIB} MiB (npm run fuzz:rows)`, async () => {
    const inv = join(T, `synthetic-${N}.csv`)
    await syntheticInventory(inv, N)
    const out = join(T, 'fleet.csv')
    const r = await runWithRss(['predict', '--hosts', inv, '--format', 'csv'], {home: T, stdoutFile: out})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const {lines, last} = countLines(out)
    // Title, header, one line per host; the last host is the sample's (N-1) % 7-th, renamed.
    expect(lines).toBe(N + 2)
    const sample = renderReport(held7(), 'csv', {width: 80, csv: {titles: true}}).trimEnd().split('\n')
    const k = (N - 1) % 7
    expect(last).toBe(`h${N - 1}${sample[2 + k].slice(sample[2 + k].indexOf(','))}`)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 600_000)

  // The columns are measured in a first pass over the file, then the rows written as they are
  // predicted again: the same bytes as the held table of the same rows.
  it(`--format table (COLUMNS=240): every row out, laid out as held, peak RSS under ${RSS_LIMIT_MIB} MiB`, async () => {
    const inv = join(T, `synthetic-${N}.csv`)
    if (!existsSync(inv)) await syntheticInventory(inv, N)
    const out = join(T, 'fleet.txt')
    const r = await runWithRss(['predict', '--hosts', inv, '--format', 'table', '--no-color'], {home: T, stdoutFile: out, env: {COLUMNS: '240'}})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    // The last seven rows hold every shape and the longest name: their held table has the file's widths.
    const rows = predictFleet(parseInventory(readFileSync(INVENTORY, 'utf8'), INVENTORY), OPTS).rows
    const last7 = Array.from({length: 7}, (_, j) => ({...rows[(N - 7 + j) % 7], name: `h${N - 7 + j}`}))
    const held = renderReport({blocks: [fleetBlock(last7, ['rack', 'owner'])]}, 'table', {width: 240}).split('\n')
    const got = countLines(out)
    // Title, top rule, header, rule, a line per host, bottom rule, the blank line ending the document.
    expect(got.lines).toBe(N + 6)
    expect(got.head.slice(0, 4)).toEqual(held.slice(0, 4))
    expect(got.tail.slice(-10)).toEqual(held.slice(-10))
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 600_000)
})

describe.skipIf(!built)('csv from a pipe is written as rows come (built CLI; npm run build)', () => {
  it('the first rows are out while the pipe is still open; all rows once it closes', async () => {
    const lines = readFileSync(INVENTORY, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
    const [header, ...rows] = lines
    const batch = (from: number, n: number) => Array.from({length: n}, (_, i) => `h${from + i}${rows[(from + i) % rows.length]!.slice(rows[(from + i) % rows.length]!.indexOf(','))}\n`).join('')
    let sent = 20_000
    let firstOut = -1
    const r = await runWithRss(['predict', '--hosts', '-', '--format', 'csv'], {
      home: T,
      onStdout: (sofar) => {
        if (firstOut === -1 && sofar.split('\n').length > 3) firstOut = sent
      },
      input: async (w) => {
        w.write(`${header}\n${batch(0, 20_000)}`)
        // A reader that held every row would print nothing until the end: wait (45 s at most: a fresh
        // CI clone at load 20 had printed nothing after 10 s) for the first rows.
        for (let t = 0; firstOut === -1 && t < 900; t++) await new Promise((res) => setTimeout(res, 50))
        sent = 40_000
        w.write(batch(20_000, 20_000))
      },
    })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(firstOut).toBe(20_000)
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(40_000 + 2)
  }, 180_000)
})

function held7() {
  const hosts = parseInventory(readFileSync(INVENTORY, 'utf8'), INVENTORY)
  return {blocks: [fleetBlock(predictFleet(hosts, OPTS).rows, ['rack', 'owner'])]}
}
