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
  const rows = new Map([...script.matchAll(/^([\w.-]+)\|([^|]*)\|(\d+)\|(\d+)\|(\w+)\|(\d+)\|(\d+)\|(.*)$/gm)].map((m) => [m[1], m]))

  it('has a row for every sample directory', () => {
    const samples = readdirSync(SAMPLES, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name)
    expect(samples.length).toBeGreaterThan(0)
    for (const s of samples) expect(rows.has(s), s).toBe(true)
  })

  it('rows boot what the sample meta.json says (CPUs, NUMA nodes)', () => {
    for (const [name, m] of rows) {
      if (m[8] !== '') continue // not reproducible here: says why
      const meta = JSON.parse(readFileSync(join(SAMPLES, name, 'meta.json'), 'utf8'))
      expect(Number(m[3]), `${name} cpus`).toBe(meta.cpus ?? meta.smp)
      const nodes = meta.numa_nodes ?? (meta.qemu_cmd as string[]).filter((a) => a === '-numa').length
      expect(Number(m[6]), `${name} nodes`).toBe(Math.max(1, nodes))
    }
  })
})
