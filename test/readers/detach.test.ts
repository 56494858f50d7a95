// detach(): a line kept from a big read chunk must not keep the chunk alive (V8 keeps a slice's
// whole parent). Measured in a child process with the collector exposed: a 64 MiB parent, one
// 30-character slice kept, the heap after two full collections.
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO} from '../helpers/paths.js'

const LINES = join(REPO, 'dist', 'readers', 'lines.js')

/** MiB of heap in use once only the kept string is reachable; `mode`: detach it, or keep the slice. */
function heapAfter(mode: 'detach' | 'slice'): number {
  const script = `
    import {detach} from ${JSON.stringify(LINES)}
    function keep() {
      const parent = Buffer.alloc(64 << 20, 'a').toString('latin1') + 'the tail of a big read chunk!'
      const s = parent.slice(parent.length - 30)
      return ${mode === 'detach' ? 'detach(s)' : 's'}
    }
    const kept = keep()
    globalThis.gc(); globalThis.gc()
    process.stdout.write(JSON.stringify({kept, mib: process.memoryUsage().heapUsed / 2 ** 20}))`
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {encoding: 'utf8'})
  expect(r.status, r.stderr).toBe(0)
  const out = JSON.parse(r.stdout) as {kept: string; mib: number}
  expect(out.kept).toBe('athe tail of a big read chunk!')
  return out.mib
}

describe('detach', () => {
  it('lets the parent go (a plain slice keeps all 64 MiB)', () => {
    expect(heapAfter('slice')).toBeGreaterThan(64)
    expect(heapAfter('detach')).toBeLessThan(16)
  })
})
