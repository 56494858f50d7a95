// A worker thread of the split reader (split.ts): reads the pieces of a large boot log it is
// given, one after another, and posts their records packed (split-chunk.ts).
import {parentPort} from 'node:worker_threads'
import {InputError} from '../errors.js'
import {readChunk, transferOf, type ChunkMessage, type ChunkTask} from './split-chunk.js'

const post = (m: ChunkMessage): void => parentPort!.postMessage(m, 'records' in m ? transferOf(m.records) : [])

let queue: Promise<void> = Promise.resolve()

parentPort!.on('message', (t: ChunkTask) => {
  // An input error (the file vanished, became unreadable) ends the run with its message.
  queue = queue.then(() => readChunk(t, post).catch((e: Error) => post({seq: t.seq, error: e.message, input: e instanceof InputError})))
})
