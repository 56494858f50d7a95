// The one JSON envelope every command prints with --json. Documented in README (JSON output).
export const SCHEMA = 'allocscope/v1'

export interface Envelope<T> {
  schema: typeof SCHEMA
  command: string
  result: T
  warnings: string[]
}

/** bigint → number when exact, else decimal string; Map/Set → plain values. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString()
  }
  if (value instanceof Map) return Object.fromEntries(value)
  if (value instanceof Set) return [...value]
  return value
}

export function toJson<T>(command: string, result: T, warnings: string[] = []): string {
  const env: Envelope<T> = {schema: SCHEMA, command, result, warnings}
  return JSON.stringify(env, replacer, 2) + '\n'
}
