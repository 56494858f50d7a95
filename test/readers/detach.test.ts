// detach(): a line kept from a big read chunk must not keep the chunk alive (V8 keeps a slice's
// whole parent). Measured in a child process with the collector exposed: a 64 MiB parent, one
// 30-character slice kept, the heap after two full collections. detachDeep(): the same for a
// string deep in a finding, and the copy is what structuredClone makes of any plain data.
import {spawnSync} from 'node:child_process'
import fc from 'fast-check'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {detachDeep} from '../../src/readers/lines.js'
import {REPO} from '../helpers/paths.js'

const LINES = join(REPO, 'dist', 'readers', 'lines.js')

const KEEP = {
  slice: 's',
  detach: 'detach(s)',
  deep: 'detachDeep({splat: {frames: [{raw: s, line: 1}], corrupted: false}, data: {n: 2}, time: undefined}).splat.frames[0].raw',
}

/** MiB of heap in use once only the kept string is reachable; `mode`: keep the slice, or a detached copy. */
function heapAfter(mode: keyof typeof KEEP): number {
  const script = `
    import {detach, detachDeep} from ${JSON.stringify(LINES)}
    function keep() {
      const parent = Buffer.alloc(64 << 20, 'a').toString('latin1') + 'the tail of a big read chunk!'
      const s = parent.slice(parent.length - 30)
      return ${KEEP[mode]}
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

describe('detachDeep', () => {
  it('lets the parent of a string deep in a finding go', () => {
    expect(heapAfter('deep')).toBeLessThan(16)
  })

  it('copies plain data as structuredClone does (any nesting of objects, arrays and primitives, "__proto__" keys too)', () => {
    const plain = fc.letrec((tie) => ({
      value: fc.oneof({depthSize: 'small'}, fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), tie('array'), tie('object')),
      array: fc.array(tie('value'), {maxLength: 4}),
      // No "constructor" key: toStrictEqual compares objects' .constructor, which such a key replaces.
      object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'toString', 'valueOf')), tie('value'), {maxKeys: 4}),
    })).value
    fc.assert(
      fc.property(plain, (v) => {
        expect(detachDeep(v)).toStrictEqual(structuredClone(v))
      }),
      {numRuns: 2000},
    )
  })
})
