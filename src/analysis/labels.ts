// The one home of the human names of host and profiling facts and of how their values are shown:
// `analyse` prints them, the boot-log diff (diff/report-bootlog.ts) labels its rows with them, so a
// reader sees "memory available", never the internal key `memoryAvailableKiB`. JSON keeps the keys.
import {type Cell, bytesCell} from '../render/report.js'
import {scaleCount} from '../readers/count.js'
import type {HostFacts} from '../types.js'

export const HOST_FACT_LABELS: {readonly [K in keyof HostFacts]-?: string} = {
  release: 'kernel',
  build: 'build',
  cmdline: 'command line',
  memProfilingParam: 'sysctl.vm.mem_profiling',
  possibleCpus: 'possible CPUs',
  presentCpus: 'present CPUs',
  hotplugCpus: 'hotplug CPUs',
  onlineCpus: 'online CPUs',
  numaNodes: 'NUMA nodes',
  memoryTotalKiB: 'memory total',
  memoryAvailableKiB: 'memory available',
  pageExtBytes: 'page_ext',
  deferredInit: 'deferred page init',
  hardware: 'hardware',
  nrCpusConfig: 'NR_CPUS',
  maxcpus: 'maxcpus=',
  pageExtWindow: 'page_ext window',
  gbPages: 'GB pages (direct map)',
  normalZone: 'ZONE_NORMAL',
  kasan: 'KASAN',
  kmemleak: 'kmemleak',
  hostname: 'hostname',
  logEndsDuring: 'log ends',
}

/** Profiling state as `analyse` names it (the boot-log diff's Profiling rows). */
export const PROFILING_LABELS = {mode: 'mode', debug: 'DEBUG', recorder: 'recorder', droppedMessages: 'printk messages dropped'} as const

type FactValue = NonNullable<HostFacts[keyof HostFacts]>['value']

/**
 * A host fact's value as `analyse` shows it: sizes as bytes (IEC text, exact bytes in CSV, or raw
 * with `rawBytes`), flags as words. One function for both commands so the same fact reads the same.
 */
export function hostFactCell(key: keyof HostFacts, v: FactValue, rawBytes = false): Cell {
  switch (key) {
    case 'memoryTotalKiB':
    case 'memoryAvailableKiB':
      // Exact beyond 2^53 (readers/count.ts): the kernel's digits, times 1024.
      return bytesCell(scaleCount(v as number | bigint, 1024), rawBytes)
    case 'pageExtBytes':
      return bytesCell(v as number | bigint, rawBytes)
    case 'pageExtWindow':
      return v === 'before-smp' ? 'before SMP bring-up (boot CPU only)' : 'after SMP bring-up (every CPU)'
    case 'gbPages':
    case 'normalZone':
      return v ? 'yes' : 'no'
    case 'kmemleak':
      return v ? 'yes' : 'disabled'
    case 'deferredInit':
      return v ? 'yes' : 'no'
    default:
      return String(v)
  }
}
