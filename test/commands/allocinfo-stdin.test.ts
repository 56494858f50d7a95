// `allocscope allocinfo -` reads stdin: the documented `sort -g /proc/allocinfo | ...` pipeline
// feeds it sorted lines (header lines sorted to the top). Spawns the built CLI (dist/).
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

const FILE = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')

describe('allocscope allocinfo - (stdin)', () => {
  it('derived: the real file sorted like `sort -g` gives the same totals and top site', () => {
    const text = readFileSync(FILE, 'utf8')
    const lines = text.split('\n').filter((l) => l !== '')
    const num = (l: string) => (/^\s*-?\d/.test(l) ? Number(l.trim().split(/\s+/)[0]) : -Infinity)
    const sorted = [...lines].sort((a, b) => num(a) - num(b)).join('\n') + '\n'
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'run.js'), 'allocinfo', '-', '--top', '1', '--json'], {input: sorted, encoding: 'utf8', cwd: REPO})
    expect(r.status).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.result.source).toBe('<stdin>')
    expect(j.result.version).toBe('2.0')
    expect(j.result.totals.bytes).toBe(lines.filter((l) => num(l) > -Infinity).reduce((s, l) => s + num(l), 0))
    expect(j.result.sites[0].bytes).toBe(Math.max(...lines.map(num)))
  })
  it('empty stdin exits 2 with the empty-input message', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'run.js'), 'allocinfo', '-'], {input: '', encoding: 'utf8', cwd: REPO})
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('allocscope: <stdin>: empty: expected /proc/allocinfo text\n')
  })
})
