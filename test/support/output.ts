/** A writable stream that keeps what is written, for tests of printed output (CLI, demo). */
import { Writable } from 'node:stream';

/** A stream collecting every chunk as text; `text()` is all of it so far. */
export function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}
