// The site filters in words, as each output says them (one home: allocinfo/scope.ts scopeWords),
// with all three given in another order than module, file, function: pinned before the three
// writers were made one. DERIVED dump: the real sample's first site line (init/main.c:1423
// do_initcalls, built-in) with bytes -4096.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {derivedNegativeBytes, realText} from '../helpers/allocinfo-derived.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(args, {root: REPO})
const SAMPLE = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const FLAGS = ['--function', '^do_', '--file', '^init/', '--module', '^$']

function negativeDump(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'filter-words-')), 'derived-neg.txt')
  writeFileSync(path, derivedNegativeBytes(realText(), 0))
  return path
}

describe('the site filters in words, all three given', () => {
  it('diff of two dumps: the head names the sources in module, file, function order; the anomalies left out name the flags', async () => {
    const text = (await run(['diff', join(SAMPLE, 'allocinfo.txt'), negativeDump(), ...FLAGS, '--format', 'text'])).stdout
    expect(text).toContain('filter: module=^$ file=^init/ func=^do_\n')
    expect(text).toContain('1 anomaly outside --module/--file/--function (not gated on)')
    const json = JSON.parse((await run(['diff', join(SAMPLE, 'allocinfo.txt'), negativeDump(), ...FLAGS, '--json'])).stdout).result.allocinfo
    expect(json.filter).toEqual({module: '^$', file: '^init/', func: '^do_'})
  })

  it('diff of one capture: the filter row and a rule message say the sources the same way', async () => {
    const res = JSON.parse((await run(['diff', join(SAMPLE, 'dmesg.txt'), '--allocinfo', negativeDump(), ...FLAGS, '--json'])).stdout).result
    expect(res.filter).toEqual({module: '^$', file: '^init/', func: '^do_'})
    const leaked = res.outcomes.find((o: {rule: string}) => o.rule === 'leaked-accounting')
    expect(leaked.message).toContain('(module=^$ file=^init/ func=^do_)')
    const text = (await run(['diff', join(SAMPLE, 'dmesg.txt'), '--allocinfo', negativeDump(), ...FLAGS, '--format', 'text'])).stdout.replace(/\n +/g, ' ')
    expect(text).toMatch(/filter +module=\^\$ file=\^init\/ func=\^do_ \(the allocinfo-side rules and anomalies: the sites it keeps; 1 anomaly outside --module\/--file\/--function \(not gated on\)\)/)
  })

  it('allocinfo: the filters as compiled expressions, then --min and --accurate-no', async () => {
    const res = JSON.parse((await run(['allocinfo', negativeDump(), ...FLAGS, '--min', '1K', '--accurate-no', '--json'])).stdout).result
    expect(res.filters).toEqual(['module =~ /^$/', 'file =~ /^init\\//', 'func =~ /^do_/', 'bytes >= 1024', 'accurate:no'])
    const text = (await run(['allocinfo', negativeDump(), ...FLAGS, '--format', 'text'])).stdout
    expect(text).toContain('1 anomaly outside --module/--file/--function (not gated on)')
  })
})
