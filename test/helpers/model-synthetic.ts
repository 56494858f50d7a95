// Synthetic inputs for the model tests (named synthetic: not fitted from any capture): profiles
// with chosen coefficients and hosts, so properties can be checked over many event counts.
import {defaultHost, type Host} from '../../src/model/host.js'
import {PROFILE_SCHEMA, type Profile} from '../../src/model/profile.js'

/** A synthetic profile: `base` calls on the boot CPU plus `perCpu` calls per online CPU. */
export function syntheticProfile(base: number, perCpu: number, window: Profile['window'] = 'after-smp', pagesPerCall = 2): Profile {
  return {
    schema: PROFILE_SCHEMA,
    name: `synthetic-${base}-${perCpu}-${window}`,
    description: 'synthetic (test only)',
    kernel: '0.0',
    window,
    terms: [
      {id: 'base', calls: base, pages: base * pagesPerCall},
      {id: window === 'after-smp' ? 'onlineCpus' : 'possibleCpus', calls: perCpu, pages: perCpu * pagesPerCall},
    ],
    maxOrder: 3,
    keptTaggedRate: 0,
    provenance: {tool: 'test', created: '2026-01-01T00:00:00Z', captures: [], r2: 1, rmse: 0, notes: ['synthetic']},
  }
}

export function syntheticHost(cpus: number, window: Profile['window'] = 'after-smp', over: Partial<Host> = {}): Host {
  return {...defaultHost(), name: 'synthetic', possibleCpus: cpus, onlineCpus: cpus, memoryBytes: 64 * 2 ** 30, debug: window === 'before-smp', ...over}
}
