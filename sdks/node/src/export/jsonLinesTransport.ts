import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { serializeEvent, type CostEvent } from '../event.js';
import { describe } from '../diagnostics.js';
import { SendResult, type Transport } from './transport.js';

/**
 * One line of JSON per event, in the server's event shape: appended to a file, or written to standard output — for
 * local debugging or for a log collector. A write error is retryable (a full disk may clear).
 */
export class JsonLinesTransport implements Transport {
  private readonly path: string | undefined;
  private madeFolder = false;

  /** Appends to `path`; without one, writes to standard output. */
  constructor(path?: string) {
    this.path = path === undefined ? undefined : resolve(path);
  }

  async send(batch: readonly CostEvent[]): Promise<SendResult> {
    const text = batch.map(serializeEvent).join('\n') + '\n';
    try {
      if (this.path === undefined) {
        await new Promise<void>((done, fail) => process.stdout.write(text, (e) => (e ? fail(e) : done())));
      } else {
        if (!this.madeFolder) {
          await mkdir(dirname(this.path), { recursive: true });
          this.madeFolder = true;
        }
        await appendFile(this.path, text);
      }
      return SendResult.ok;
    } catch (e) {
      return SendResult.retryable(`writing events failed: ${describe(e)}`);
    }
  }
}
