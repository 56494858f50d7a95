// --block TITLE, the one rule every command's output goes through (src/cli/output.ts pickBlocks):
// a whole title picks that block (and the untitled blocks after it, which carry on under its title)
// even when another title begins with it; otherwise every block whose title starts with the name.
// Synthetic reports: only the titles matter.
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {pickBlocks} from '../../src/cli/output.js'
import type {Block, Report} from '../../src/render/report.js'
import {BIN} from '../helpers/cli.js'
import {REPO} from '../helpers/paths.js'

const text = (title?: string): Block => ({kind: 'text', ...(title !== undefined ? {title} : {}), lines: [title ?? 'untitled']})
const report: Report = {blocks: [text('Fleet'), text('Kernels each signature was seen on'), text('Kernels'), text(), text('Errors by reason')]}
const picked = (name: string) => pickBlocks(report, name).blocks.map((b) => (b as {lines: string[]}).lines[0])

describe('pickBlocks (--block)', () => {
  it('a whole title wins over the longer titles it begins (was: both Kernels tables)', () => {
    expect(picked('Kernels')).toEqual(['Kernels', 'untitled'])
    expect(picked(' kernels ')).toEqual(['Kernels', 'untitled'])
  })

  it('otherwise a prefix picks every block it begins, case-insensitively', () => {
    expect(picked('kernels each')).toEqual(['Kernels each signature was seen on'])
    expect(picked('Kern')).toEqual(['Kernels each signature was seen on', 'Kernels', 'untitled'])
    expect(picked('e')).toEqual(['Errors by reason'])
  })

  it('untitled blocks before any title are each their own block (was: "block 1" picked block 2 too)', () => {
    const early: Report = {blocks: [text(), text(), text('X')]}
    expect(pickBlocks(early, 'block 1').blocks).toEqual([early.blocks[0]])
    expect(pickBlocks(early, 'block 2').blocks).toEqual([early.blocks[1]])
  })

  it("a scoped block (a boot's) answers to its title without the scope: every boot's, in order; the whole title still picks one", () => {
    const boots: Report = {
      blocks: [text('Boots (2 in the log)'), ...['Boot -1', 'Boot 0'].flatMap((scope) => ['Host', 'Findings'].map((t) => ({...text(`${scope}: ${t}`), scope})))],
    }
    const got = (name: string) => pickBlocks(boots, name).blocks.map((b) => b.title)
    expect(got('Findings')).toEqual(['Boot -1: Findings', 'Boot 0: Findings'])
    expect(got('find')).toEqual(['Boot -1: Findings', 'Boot 0: Findings'])
    expect(got('boot 0: findings')).toEqual(['Boot 0: Findings'])
    expect(got('Boot -1')).toEqual(['Boot -1: Host', 'Boot -1: Findings'])
  })

  it('no block: a usage error listing the titles as shown', () => {
    // (How an untitled block's inherited title is shown is blockTitles' business: not pinned here.)
    expect(() => pickBlocks(report, 'nope')).toThrow(/^--block nope: no such block; expected one of 'Fleet', 'Kernels each signature was seen on', 'Kernels', .*'Errors by reason'$/)
  })
})

describe('--block naming no block, in every command that takes it (built CLI, real processes)', () => {
  // The check ran in writeOutput's promise, after the command's run: fleet printed oclif's
  // multi-line "UsageError: …" and exited 1 (the finding status). Real samples as inputs.
  const S = join(REPO, 'samples', 'linux-7.2-pool-c64-m1024')
  const cases: [string, string[]][] = [
    ['fleet', ['fleet']],
    ['trend', ['trend', join(REPO, 'testdata', 'trend', 'leak')]],
    ['predict', ['predict', '--cpus', '4']],
    ['analyse', ['analyse', S]],
    ['allocinfo', ['allocinfo', S]],
  ]
  it.each(cases)('%s: one usage line naming the block, exit 2', (name, args) => {
    const input = name === 'fleet' ? spawnSync(process.execPath, [BIN, 'batch', S], {encoding: 'utf8'}).stdout : ''
    const r = spawnSync(process.execPath, [BIN, ...args, '--block', 'no-such-block'], {encoding: 'utf8', input, env: {...process.env, NO_COLOR: '1'}})
    expect(r.status, r.stderr).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^allocscope: --block no-such-block: no such block; expected one of /)
  })
})
