// The repository stands on its own: a fresh clone has nothing beside it, so no code, test, bench
// or lab script may name the team's shared folder beside the repository, and nothing names an absolute machine path
// (defaults are relative to the repository or to a cache directory).
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {LAB_CAPTURES, PEER, REPO, captureDirs, captureName} from '../helpers/paths.js'

/** Tracked (and untracked, not ignored) files below the given folders, as git lists them. */
function files(...dirs: string[]): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...dirs], {cwd: REPO, encoding: 'utf8'})
  return out.split('\n').filter((f) => f && !f.startsWith('lab/captures/'))
}

describe('the repository is self-contained', () => {
  const code = files('src', 'test', 'bench', 'lab', 'samples', 'README.md', 'docs')
  // Built from parts so that this file does not name the folder it forbids.
  const sharedRef = new RegExp(`\\.\\./${'shared'}\\b|${'shared'}/(captures|peer|docs)`)

  it('nothing in src, test, bench, lab, samples or docs names the shared folder beside the repository', () => {
    const offenders = code.filter((f) => sharedRef.test(readFileSync(join(REPO, f), 'latin1')))
    expect(offenders).toEqual([])
  })

  it('no absolute path of a work machine is a default anywhere', () => {
    const offenders = code.filter((f) => /\/work\/(lab-build|main|shared)\b/.test(readFileSync(join(REPO, f), 'latin1')))
    expect(offenders).toEqual([])
  })

  it('the corpus the tests need is in the repository', () => {
    expect(captureDirs().length).toBeGreaterThanOrEqual(30)
    expect(readFileSync(join(PEER, 'LICENSE'), 'utf8')).toMatch(/Apache License/)
  })

  it('each capture has one home: no name and no boot (same console or dmesg bytes) in two places', () => {
    const all = [...captureDirs(), ...readdirSync(LAB_CAPTURES).map((n) => join(LAB_CAPTURES, n))]
    const names = all.map(captureName)
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([])
    const seen = new Map<string, string>()
    const twice: string[] = []
    for (const dir of all) {
      for (const f of ['console.log', 'dmesg.txt', 'dmesg-excerpt.txt']) {
        if (!existsSync(join(dir, f))) continue
        const h = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')
        if (seen.has(h)) twice.push(`${dir} = ${seen.get(h)}`)
        seen.set(h, dir)
      }
    }
    expect(twice).toEqual([])
  })
})
