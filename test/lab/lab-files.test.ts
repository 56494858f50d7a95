// The lab's scripts and config fragment, checked without building anything: the fragment asks
// for what the issue lists, and regenerate-samples.sh has a row for every sample.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

const fragment = readFileSync(join(REPO, 'lab', 'kernel.config'), 'utf8')
const symbols = new Map([...fragment.matchAll(/^CONFIG_(\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]))

describe('lab/kernel.config', () => {
  it('has every option the lab needs', () => {
    for (const s of ['64BIT', 'SMP', 'ACPI', 'NUMA', 'SERIAL_8250', 'SERIAL_8250_CONSOLE', 'BLK_DEV_INITRD', 'RD_GZIP', 'BINFMT_SCRIPT',
      'PROC_FS', 'SYSFS', 'DEVTMPFS', 'SPARSEMEM_VMEMMAP', 'MEM_ALLOC_PROFILING', 'MEM_ALLOC_PROFILING_ENABLED_BY_DEFAULT',
      'MEM_ALLOC_PROFILING_DEBUG', 'BUG']) {
      expect(symbols.get(s), s).toBe('y')
    }
    expect(Number(symbols.get('NR_CPUS'))).toBeGreaterThanOrEqual(512)
  })

  it('X2APIC comes with one of its dependencies (else Kconfig drops it silently)', () => {
    expect(symbols.get('X86_X2APIC')).toBe('y')
    expect(symbols.get('HYPERVISOR_GUEST') === 'y' || symbols.get('IRQ_REMAP') === 'y').toBe(true)
  })

  it('the nodebug variants turn DEBUG off and nothing else', () => {
    for (const v of ['nodebug', 'instr-nodebug']) {
      const lines = readFileSync(join(REPO, 'lab', `kernel-${v}.config`), 'utf8').split('\n').filter((l) => /^CONFIG_/.test(l))
      expect(lines, v).toEqual(['CONFIG_MEM_ALLOC_PROFILING_DEBUG=n'])
    }
  })
})

describe('lab/regenerate-samples.sh', () => {
  const script = readFileSync(join(REPO, 'lab', 'regenerate-samples.sh'), 'utf8')
  // sample|tags|cpus|possible|memory|nodes|timeout|expect|workload|extra append|needs
  const rows = new Map([...script.matchAll(/^([\w.-]+)\|([^|]*)\|(\d+)\|(\d+)\|(\w+)\|(\d+)\|(\d+)\|(complete|timeout)\|([^|]*)\|([^|]*)\|(.*)$/gm)].map((m) => [m[1], m]))
  const NEEDS = 11

  it('has a row for every sample directory', () => {
    const samples = readdirSync(SAMPLES, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name)
    expect(samples.length).toBeGreaterThan(0)
    for (const s of samples) expect(rows.has(s), s).toBe(true)
  })

  it('rows boot what the sample meta.json says (CPUs, NUMA nodes)', () => {
    for (const [name, m] of rows) {
      if (m[NEEDS] !== '') continue // not reproducible here: says why
      const meta = JSON.parse(readFileSync(join(SAMPLES, name, 'meta.json'), 'utf8'))
      expect(Number(m[3]), `${name} cpus`).toBe(meta.cpus ?? meta.smp)
      const nodes = meta.numa_nodes ?? (meta.qemu_cmd as string[]).filter((a) => a === '-numa').length
      expect(Number(m[6]), `${name} nodes`).toBe(Math.max(1, nodes))
    }
  })

  it('every sample but the lkml excerpt is reproducible: its kernel variant has a patch, series or config in lab/', () => {
    const lab = readdirSync(join(REPO, 'lab'))
    const patches = readdirSync(join(REPO, 'lab', 'patches'))
    for (const [name, m] of rows) {
      if (name.startsWith('lkml-')) {
        expect(m[NEEDS], name).toMatch(/not a lab boot/)
        continue
      }
      expect(m[NEEDS], name).toBe('')
      const tag = m[2].split(',')[0]
      const [version, ...rest] = tag.split('-')
      const variant = rest.join('-')
      if (!variant) continue
      const known = patches.includes(`${version}-${variant}.patch`) || patches.includes(`${version}-${variant}.series`) || lab.includes(`kernel-${variant}.config`)
      expect(known, `${name}: ${tag}`).toBe(true)
    }
  })

  it('rows give the workload and the extra command line the sample was booted with', () => {
    for (const [name, m] of rows) {
      if (m[NEEDS] !== '') continue
      const meta = JSON.parse(readFileSync(join(SAMPLES, name, 'meta.json'), 'utf8'))
      expect(m[9] || null, `${name} workload`).toBe(meta.mode ?? null)
      for (const word of m[10].split(' ').filter(Boolean)) expect(meta.kernel_cmdline.split(' '), `${name} cmdline`).toContain(word)
    }
  })

  it('every patch a .series names exists', () => {
    const dir = join(REPO, 'lab', 'patches')
    const series = readdirSync(dir).filter((f) => f.endsWith('.series'))
    expect(series.length).toBeGreaterThan(0)
    for (const f of series) {
      const names = readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
      expect(names.length, f).toBeGreaterThan(0)
      for (const n of names) expect(readdirSync(dir), `${f}: ${n}`).toContain(n)
    }
  })

  it('a sample that is a timed-out boot is expected to time out, with the same timeout', () => {
    for (const [name, m] of rows) {
      if (m[NEEDS] !== '') continue
      const meta = JSON.parse(readFileSync(join(SAMPLES, name, 'meta.json'), 'utf8'))
      expect(m[8], `${name} expect`).toBe(meta.timed_out === true ? 'timeout' : 'complete')
      if (meta.timed_out === true) expect(Number(m[7]), `${name} timeout`).toBe(meta.timeout_s)
    }
    // the corpus's 255-CPU pool boot is such a boot (a console.log only, cut short)
    expect(rows.get('linux-7.2-pool-c255-m1024')?.[8]).toBe('timeout')
  })
})

describe('lab/build-kernel.sh fetching a source package the host lacks', () => {
  const script = readFileSync(join(REPO, 'lab', 'build-kernel.sh'), 'utf8')
  const sources = readFileSync(join(REPO, 'lab', 'apt', 'debian-sid.list'), 'utf8')

  it('pins 7.2 to the Debian version the corpus 7.2 kernels were built from', () => {
    const pin = /^case \$VERSION in 7\.2\) PKGVER=\$\{PKGVER-([\w.~+-]+)\}/m.exec(script)?.[1]
    const meta = JSON.parse(readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'meta.json'), 'utf8'))
    expect(pin).toBeDefined()
    // Debian version 7.2.13-1 builds kernel release 7.2.13
    expect(pin!.replace(/-[^-]+$/, '')).toBe(meta.kernel_release)
  })

  it('uses a private apt state with only the lab sources list, and downloads instead of installing', () => {
    expect(script).toContain('Dir::Etc::sourcelist="$APT_SOURCES"')
    expect(script).toContain('Dir::Etc::sourceparts=-')
    expect(script).toMatch(/Dir::State::lists="\$apt\/lists"/)
    expect(script).toMatch(/apt-get -q "\$@" download /)
    // only the error messages (echo) tell the user what to install
    expect(script.split('\n').filter((l) => / install /.test(l) && /apt-get/.test(l) && !/echo /.test(l))).toEqual([])
    const deb = sources.split('\n').filter((l) => /^deb /.test(l))
    expect(deb).toEqual(['deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main'])
  })
})

describe('lab/patches/7.2-pool.patch', () => {
  const patch = readFileSync(join(REPO, 'lab', 'patches', '7.2-pool.patch'), 'utf8')
  // the keys, in order, of a klab: line as the patch prints it (its pr_info format string)
  const printed = (kind: string) => {
    const fmt = new RegExp(`^\\+\\s*pr_info\\("klab: ${kind} ([^"]*)\\\\n"`, 'm').exec(patch)?.[1]
    return fmt?.split(' ').map((kv) => kv.split('=')[0])
  }
  // the same keys in a real corpus 7.2 pool boot's klab: lines
  const corpusKeys = (kind: string) => {
    const meta = JSON.parse(readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'meta.json'), 'utf8'))
    const line: string = (kind === 'early_pfn' ? meta.klab : meta.klab_walk).line
    expect(line.startsWith(`klab: ${kind} `)).toBe(true)
    return line.split(' ').slice(2).map((kv) => kv.split('=')[0])
  }

  it('prints the klab: early_pfn and early_pfn_walk lines with the corpus keys, in their order', () => {
    for (const kind of ['early_pfn', 'early_pfn_walk']) expect(printed(kind), kind).toEqual(corpusKeys(kind))
  })

  it('adds lines only (instrumentation), and only to the files of the recorder and its caller', () => {
    expect([...patch.matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1])).toEqual(['include/linux/alloc_tag.h', 'lib/alloc_tag.c', 'mm/page_alloc.c'])
    expect(patch.split('\n').filter((l) => /^-(?!--)/.test(l))).toEqual([])
  })
})
