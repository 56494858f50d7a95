// `npm pack` must ship what an installed allocscope needs: the built commands, the oclif manifest
// (written by `npm run build`, which `npm test` and prepack run), the profiles and the launcher.
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO} from '../helpers/paths.js'

/** The files `npm pack` would ship (one npm run for the file: npm's start-up is seconds of CPU). */
let packed: Set<string> | undefined
const packFiles = (): Set<string> =>
  (packed ??= new Set((JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {cwd: REPO, encoding: 'utf8'}))[0].files as {path: string}[]).map((f) => f.path)))

describe('npm pack', () => {
  it('lists the launcher, every built command, the manifest and the profiles', () => {
    const files = packFiles()
    expect(files.has('bin/run.js')).toBe(true)
    expect(files.has('oclif.manifest.json')).toBe(true)
    const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
    for (const id of ['analyse', 'allocinfo', 'predict', 'calibrate', 'diff', 'capture']) {
      expect(Object.keys(manifest.commands)).toContain(id)
      expect(files.has(`dist/commands/${id}.js`)).toBe(true)
    }
    expect([...files].filter((f) => f.startsWith('profiles/') && f.endsWith('.json')).length).toBeGreaterThan(0)
    expect([...files].some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false)
  })

  it('ships the MIT LICENSE package.json names, the bundled samples and what the help command runs on', () => {
    const files = packFiles()
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {license: string; dependencies: Record<string, string>; oclif: {plugins?: string[]}}
    expect(pkg.license).toBe('MIT')
    expect(files.has('LICENSE')).toBe(true)
    expect(readFileSync(join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License/)
    expect(files.has('samples/linux-7.2-pool-c64-m1024/dmesg.txt')).toBe(true)
    // help and version are allocscope's own commands; help (src/commands/help.ts) extends
    // plugin-help's, so that package is a runtime dependency, not a dev one.
    for (const p of [...(pkg.oclif.plugins ?? []), '@oclif/plugin-help']) expect(Object.keys(pkg.dependencies)).toContain(p)
  })

  it('engines says the Node the tool is built and tested on', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {engines: {node: string}}
    const [maj, min] = process.versions.node.split('.').map(Number)
    const m = /^>=(\d+)\.(\d+)/.exec(pkg.engines.node)!
    expect(maj > Number(m[1]) || (maj === Number(m[1]) && min >= Number(m[2]))).toBe(true)
  })
})
