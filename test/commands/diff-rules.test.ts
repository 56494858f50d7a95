// `diff --rules` lists the rules table itself; a fired rule's severity and title are its row's;
// one sign convention (measured − predicted) and one column name in every counts table (issue 13).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {RULES, severityOf} from '../../src/diff/rules.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(args, {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))
const LATE = join(SAMPLES, 'linux-7.2-legacylate-c255-m1024')
const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')

describe('diff --rules', () => {
  it('lists every row of the table, in its order, with its own severity and explanation', async () => {
    const {stdout, error} = await run(['diff', '--rules', '--json'])
    expect(exitCode(error)).toBe(0)
    const rules = JSON.parse(stdout).result.rules as {id: string; severity: unknown; explanation: string}[]
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id))
    expect(rules.map((r) => r.severity)).toEqual(RULES.map((r) => r.severity))
    const text = (await run(['diff', '--rules', '--format', 'markdown'])).stdout
    for (const r of RULES) expect(text).toContain(r.id)
  })
  it('no input and no --rules: one line, exit 2', async () => {
    const {stderr, error} = await run(['diff'])
    expect(exitCode(error)).toBe(2)
    expect(stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('rule outcomes carry their row', () => {
  it('notrack c8 (real): unset-tags fires with the severity of its "explained" case and the row title', async () => {
    const j = JSON.parse((await run(['diff', NOTRACK, '--json'])).stdout).result
    const o = j.outcomes.find((x: {rule: string}) => x.rule === 'unset-tags')
    const row = RULES.find((r) => r.id === 'unset-tags')!
    expect(o).toMatchObject({status: 'fired', case: 'explained', title: row.title, severity: severityOf(row, {status: 'fired', case: 'explained', message: '', evidence: []})})
    for (const x of j.outcomes) if (x.status !== 'fired') expect(x.severity).toBe('info')
  })

  it('the lkml excerpt (real): the model\'s evidence is said once as from the model (was "model: model: recorder none")', async () => {
    const j = JSON.parse((await run(['diff', join(SAMPLES, 'lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt'), '--json'])).stdout).result
    const ev = j.outcomes.find((x: {rule: string}) => x.rule === 'unset-tags').evidence.find((e: {from: string}) => e.from === 'model')
    expect(ev.text).toMatch(/^recorder none \(profile /)
  })
})

describe('one sign convention: measured − predicted', () => {
  it('diff <capture> and diff --predicted <capture> give the same delta for the same metric (legacylate c255, real)', async () => {
    const obs = JSON.parse((await run(['diff', LATE, '--json'])).stdout).result.counts as {kind: string; metric: string; predicted: number; measured: number; delta: number}[]
    const cnt = JSON.parse((await run(['diff', '--predicted', LATE, '--json'])).stdout).result.counts.rows as {key: string; delta: number}[]
    expect(obs.length).toBeGreaterThan(0)
    expect(obs.some((r) => r.delta !== 0)).toBe(true)
    for (const r of obs) {
      expect(r.delta).toBe(r.measured - r.predicted)
      expect(cnt.find((c) => c.key === `${r.kind}.${r.metric}`)?.delta).toBe(r.delta)
    }
    const text = (await run(['diff', LATE, '--format', 'text'])).stdout
    expect(text).not.toContain('abs err')
  })
  it('a prediction and a capture in either order: the same delta', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-sign-'))
    try {
      const pred = join(dir, 'p.json')
      writeFileSync(pred, (await run(['predict', '--from', join(LATE, 'dmesg.txt'), '--json'])).stdout)
      const rows = async (...args: string[]) => JSON.parse((await run(['diff', ...args, '--json'])).stdout).result.counts.rows as {key: string; delta: number}[]
      const ab = await rows(pred, join(LATE, 'dmesg.txt'))
      const ba = await rows(join(LATE, 'dmesg.txt'), pred)
      expect(ab.length).toBeGreaterThan(0)
      const view = (rs: {key: string; delta: number}[]) => rs.map((r) => [r.key, r.delta]).sort()
      expect(ab.some((r) => r.delta !== 0)).toBe(true)
      expect(view(ba)).toEqual(view(ab))
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
