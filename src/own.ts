// Setting a key that came from input (a klab metric, a CSV column, a JSON field) on a plain object:
// `o[k] = v` with k === '__proto__' calls the prototype setter and the value is lost without a
// word; reading `o[k]` with k === 'constructor' (`toString`, `__proto__`, ...) gives Object.prototype's
// member when o has no such key. The one home of the rule; readers, the analysis, the model and fleet use it.

/** o[k] = v as an own data property, whatever k is (even '__proto__'). */
export function put<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__') Object.defineProperty(o, k, {value: v, enumerable: true, writable: true, configurable: true})
  else o[k] = v
}

/** o[k] when it is o's own property (never a member inherited from Object.prototype), else undefined. */
export const ownGet = <T>(o: Record<string, T>, k: string): T | undefined => (Object.hasOwn(o, k) ? o[k] : undefined)
