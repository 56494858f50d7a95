// Bundled samples (the package ships samples/ and the trend lab's series, testdata/trend/): help
// examples name them as `samples/<dir>`, `testdata/trend/<series>` or `--sample <name>`, and all
// must work from any directory after a global install. Such an argument that does not exist where
// the user is, but exists in the package, is the package's; an existing path always wins.
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {UsageError} from '../errors.js'

export function sampleNames(root: string): string[] {
  try {
    return readdirSync(join(root, 'samples'), {withFileTypes: true})
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  } catch {
    return []
  }
}

/** `pool-c64`, `linux-7.2-pool-c64-m1024` or `pool-c64/allocinfo.txt` → the bundled path. */
export function samplePath(root: string, name: string): string {
  const [dir, ...rest] = name.split('/')
  const names = sampleNames(root)
  const exact = names.find((n) => n === dir)
  const partial = names.filter((n) => n.includes(dir))
  const hit = exact ?? (partial.length === 1 ? partial[0] : undefined)
  if (!hit || !existsSync(join(root, 'samples', hit, ...rest))) {
    const why = partial.length > 1 ? `'${dir}' matches ${partial.join(', ')}` : `no bundled sample '${name}'`
    throw new UsageError(`--sample ${name}: ${why}; expected one of ${names.join(', ')}`)
  }
  return join(root, 'samples', hit, ...rest)
}

/** Folders of the package that arguments may name relative to it (package.json `files` ships them). */
const BUNDLED = /^(samples|testdata\/trend)(\/|$)/

function bundled(token: string, root: string): string {
  if (!BUNDLED.test(token) || existsSync(token)) return token
  const inPackage = join(root, token)
  return existsSync(inPackage) ? inPackage : token
}

/**
 * argv with `--sample NAME` replaced by the sample's path (the first inputs; `--from` for predict,
 * which takes no positional input) and `samples/...` resolved as above.
 */
export function resolveSampleArgs(argv: string[], root: string, id: string): string[] {
  const inputs: string[] = []
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]
    if (t === '--') {
      rest.push(...argv.slice(i))
      break
    }
    if (t === '--sample' || t.startsWith('--sample=')) {
      const name = t === '--sample' ? argv[++i] : t.slice('--sample='.length)
      if (name === undefined) throw new UsageError('--sample: expected the name of a bundled sample, e.g. --sample pool-c64')
      inputs.push(samplePath(root, name))
      continue
    }
    const eq = /^(--[\w-]+=)(.*)$/.exec(t)
    rest.push(eq ? eq[1] + bundled(eq[2], root) : bundled(t, root))
  }
  if (inputs.length === 0) return rest
  if (id === 'predict') return [...inputs.flatMap((p) => ['--from', p]), ...rest]
  if (id === 'capture') throw new UsageError('--sample: capture boots a kernel; it reads no sample')
  return [...inputs, ...rest]
}
