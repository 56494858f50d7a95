// A directory named where one capture directory is expected (analyse, allocinfo, diff, predict
// --from) that is not one: the message says what is wrong and what to do first, names a few files
// or capture directories ("and N more"), and stays short. It was ~900 characters: every boot-log,
// dump and extra file name, and for samples/ 'PROVENANCE.md is not one of a capture's files' where
// the directory holds seven captures. Runs the BUILT CLI (npm test builds it).
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {refusalLine as refusal, runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'allocscope-notone-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const captures = () => readdirSync(SAMPLES, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name)


describe('a directory that is not one capture directory', () => {
  it.each([
    ['analyse', ['analyse', 'samples']],
    ['diff (a)', ['diff', 'samples', POOL]],
    ['diff (b)', ['diff', POOL, 'samples']],
    ['allocinfo', ['allocinfo', 'samples']],
  ])('%s of a directory of captures (REAL: samples/) names a few of them and says what to do', async (_, args) => {
    const n = captures().length
    const line = refusal(await runCli(args))
    expect(line).toMatch(new RegExp(`^allocscope: samples: not one capture directory but a directory holding ${n} \\(`))
    expect(line).toContain(`and ${n - 3} more)`)
    expect(line).toContain("name one of them, or read each with allocscope batch 'samples/*/'")
    expect(captures().filter((c) => line.includes(c))).toHaveLength(3)
    expect(line).not.toMatch(/PROVENANCE|not one of a capture's files/)
    expect(line.length).toBeLessThan(300)
  })

  it('from another directory, by its absolute path', async () => {
    const line = refusal(await runCli(['analyse', SAMPLES], {cwd: tmp}))
    expect(line).toContain(`${SAMPLES}: not one capture directory but a directory holding`)
    expect(line).toContain(`allocscope batch '${SAMPLES}/*/'`)
  })

  it('a /var/log-like directory (SYNTHETIC: two copies of a real log) names the file, what to do, and a few of the names a capture holds', async () => {
    const dir = join(tmp, 'varlog')
    mkdirSync(dir)
    copyFileSync(join(POOL, 'dmesg.txt'), join(dir, 'kern.log'))
    copyFileSync(join(POOL, 'dmesg.txt'), join(dir, 'kern.log.1'))
    const line = refusal(await runCli(['analyse', 'varlog'], {cwd: tmp}))
    expect(line).toMatch(/^allocscope: varlog: not one capture directory \(kern\.log\.1 is not one of a capture's files\): name a file in it, or read each with allocscope batch; /)
    expect(line).toMatch(/a boot log \(dmesg\.txt, kern\.log, console\.log and \d+ more\) and\/or an allocinfo dump \(allocinfo\.txt/)
    expect(line.length).toBeLessThan(360)
  })

  it('an empty directory: nothing in it to name', async () => {
    mkdirSync(join(tmp, 'empty'))
    const line = refusal(await runCli(['diff', 'empty', POOL], {cwd: tmp}))
    expect(line).toMatch(/^allocscope: empty: not one capture directory \(neither a boot log nor an allocinfo dump in it\): name a capture directory; /)
  })
})
