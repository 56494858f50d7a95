// What kind of file a path is, where a reader must know before opening it. No import: loaded by
// batch's listing and by each worker at start-up.
import type {Stats} from 'node:fs'

/** Read once, in order, through the event loop (batch's open-input.ts): a FIFO or a pipe (/dev/fd/N). Opening a FIFO waits for a writer. */
export const isFifo = (st: Stats): boolean => st.isFIFO()
