import {describe, expect, it} from 'vitest'
import {loadChalk, renderReport} from '../../src/render/format.js'
import {toJson} from '../../src/render/json.js'
import {type Report, deltaCell} from '../../src/render/report.js'
import {iec, parseSize, pct, signed} from '../../src/render/units.js'

// Synthetic report: exercises the renderers, not the domain.
const report: Report = {
  blocks: [
    {kind: 'kv', title: 'Host', rows: [{key: 'kernel', value: '7.2.13', note: 'line 1'}, {key: 'cpus', value: 64}]},
    {
      kind: 'table',
      title: 'Top sites',
      columns: [
        {key: 'bytes', header: 'Bytes', align: 'right', priority: 5},
        {key: 'calls', header: 'Calls', align: 'right', priority: 2},
        {key: 'site', header: 'Site', priority: 5},
        {key: 'note', header: 'Note', priority: 1},
      ],
      rows: [
        {bytes: '1.5 MiB', calls: 12n, site: 'mm/very/long/path/'.repeat(6) + 'x.c:12 func:f', note: {text: 'grew', style: 'grow'}},
        {bytes: '4 KiB', calls: 1, site: 'a|b.c:1 func:g', note: 'pipe|here'},
      ],
      footer: {bytes: '1.5 MiB', calls: 13, site: 'total'},
    },
  ],
}

describe('renderers', () => {
  it('text: plain ASCII, every line under 80 columns, totals kept (no colour even with a painter)', async () => {
    const out = renderReport(report, 'text', {chalk: await loadChalk(), width: 200})
    for (const l of out.split('\n')) {
      expect(l.length).toBeLessThan(80)
      expect(l).toMatch(/^[\x20-\x7e]*$/)
    }
    expect(out).toContain('total')
    expect(out).toContain('kernel')
  })

  it('markdown escapes pipes and keeps every column', () => {
    const out = renderReport(report, 'markdown', {width: 80})
    expect(out).toContain('| Bytes | Calls | Site | Note |')
    expect(out).toContain('a\\|b.c:1')
    expect(out).toContain('1.5 MiB | 13 | total')
    expect(out).toContain('|---:|---:|---|---|')
  })

  it('csv quotes fields and writes one table per block', () => {
    const out = renderReport(report, 'csv', {width: 80})
    expect(out).toContain('Bytes,Calls,Site,Note,summary')
    expect(out).toContain('pipe|here')
    expect(out.split('\n').slice(0, 2)).toEqual(['# Host', 'key,value,note'])
  })

  it('csv: an untitled block takes the title before it, numbered (2), (3) only from the second table under it', () => {
    const table = (title?: string): Report['blocks'][number] => ({kind: 'table', ...(title ? {title} : {}), columns: [{key: 'n', header: 'n'}], rows: [{n: 1}]})
    const text = (title?: string): Report['blocks'][number] => ({kind: 'text', ...(title ? {title} : {}), lines: ['prose']})
    const titles = (blocks: Report['blocks']) => renderReport({blocks}, 'csv', {width: 80}).split('\n').filter((l) => l.startsWith('# '))
    // A text head (no CSV of its own) then its table: the diff's layout; there is no "(1)" to follow.
    expect(titles([text('allocinfo diff (bytes)'), table(), text()])).toEqual(['# allocinfo diff (bytes)'])
    expect(titles([text('counts'), table(), table()])).toEqual(['# counts', '# counts (2)'])
    // A titled table then untitled ones (text blocks in between are not counted); an untitled start.
    expect(titles([table(), table('Sites'), text(), table(), {kind: 'kv', rows: [{key: 'k', value: 1}]}])).toEqual(['# block 1', '# Sites', '# Sites (2)', '# Sites (3)'])
  })

  it('table: colour only when asked, and a narrow terminal wraps cells instead of dropping columns', async () => {
    const plain = renderReport(report, 'table', {width: 60})
    expect(plain).not.toMatch(/\x1b\[/)
    expect(plain).toContain('Note')
    for (const l of plain.split('\n')) expect(l.length).toBeLessThanOrEqual(60)
    const coloured = renderReport(report, 'table', {chalk: await loadChalk(), width: 400})
    expect(coloured).toMatch(/\x1b\[31mgrew/)
    expect(coloured).toContain('Note')
  })
})

describe('json envelope', () => {
  it('keeps big calls exact as strings and small bigints as numbers', () => {
    const doc = JSON.parse(toJson('allocinfo', {small: 12n, big: 18446744073709551615n}, ['w']))
    expect(doc).toEqual({schema: 'allocscope/v1', command: 'allocinfo', result: {small: 12, big: '18446744073709551615'}, warnings: ['w']})
  })
})

describe('units', () => {
  it('iec matches numfmt --to=iec magnitudes', () => {
    expect(iec(0)).toBe('0 B')
    expect(iec(1536)).toBe('1.50 KiB')
    expect(iec(2097152n)).toBe('2.00 MiB')
    expect(iec(-4096)).toBe('-4.00 KiB')
  })
  it('parseSize understands K/M/G with or without iB', () => {
    expect(parseSize('64G')).toBe(64 * 2 ** 30)
    expect(parseSize('1.5MiB')).toBe(1.5 * 2 ** 20)
    expect(parseSize('4096')).toBe(4096)
    expect(parseSize('lots')).toBeUndefined()
  })
  it('signed and pct', () => {
    expect(signed(5)).toBe('+5')
    expect(signed(-5n)).toBe('-5')
    expect(pct(1, 8)).toBe('12.5%')
    expect(pct(1, 0)).toBe('n/a')
  })
})

describe('text titles', () => {
  it('clips a long title under 80 columns', () => {
    const out = renderReport({blocks: [{kind: 'text', title: 'T'.repeat(120), lines: ['x']}]}, 'text', {width: 80})
    for (const l of out.split('\n')) expect(l.length).toBeLessThan(80)
  })
})

describe('deltaCell', () => {
  it('signs and colours growth and shrinkage, leaves zero plain', () => {
    expect(deltaCell(5)).toEqual({text: '+5', style: 'grow'})
    expect(deltaCell(-3n)).toEqual({text: '-3', style: 'shrink'})
    expect(deltaCell(0n)).toBe('0')
  })
})
