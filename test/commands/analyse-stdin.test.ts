// `allocscope analyse -` reads stdin (any format, detected). Spawns the built CLI (dist/) for stdin;
// the file it is compared with is read in-process (test/helpers/cli.ts).
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {toKmsg} from '../helpers/convert.js'
import {runCli} from '../helpers/cli.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const DIR = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
const cli = (args: string[], input: string) => spawnSync(process.execPath, [join(REPO, 'bin', 'run.js'), 'analyse', ...args], {input, encoding: 'utf8', cwd: REPO})

describe('allocscope analyse - (stdin)', () => {
  const text = readFileSync(join(DIR, 'dmesg.txt'), 'utf8')

  it('the same analysis as from the file, source <stdin>', async () => {
    const piped = cli(['-', '--json'], text)
    const file = await runCli(['analyse', join(DIR, 'dmesg.txt'), '--json'])
    expect(piped.status).toBe(0)
    const a = JSON.parse(piped.stdout).result
    const b = JSON.parse(file.stdout).result
    expect(a.source).toBe('<stdin>')
    expect({...a, source: ''}).toEqual({...b, source: ''})
  })

  it('DERIVED /dev/kmsg dump on stdin: detected, same finding, --fail-on warning exits 1', () => {
    const r = cli(['-', '--json', '--fail-on', 'warning'], toKmsg(text))
    expect(r.status).toBe(1)
    const j = JSON.parse(r.stdout).result
    expect(j.format).toBe('kmsg')
    expect(j.findings.map((f: {id: string}) => f.id)).toEqual(['alloc-tag-not-set'])
  })
})
