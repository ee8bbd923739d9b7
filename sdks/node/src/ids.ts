import { randomFillSync } from 'node:crypto';

// Random bytes drawn in blocks: one system call per 512 ids instead of one per id.
const pool = Buffer.alloc(4096);
let offset = pool.length;
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function randomBytes(count: number): number {
  if (offset + count > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const at = offset;
  offset += count;
  return at;
}

/**
 * An event id in the UUID version 7 layout (48 bits of Unix milliseconds, then random bits) as 32 hex digits — the
 * form the .NET SDK sends — so ids sort by time. Made once per operation: a retried batch carries the same ids and
 * the server counts each once.
 */
export function newEventId(at: number = Date.now()): string {
  const r = randomBytes(10);
  let id = '';
  for (let shift = 40; shift >= 0; shift -= 8) id += HEX[Math.floor(at / 2 ** shift) & 0xff];
  id += HEX[0x70 | (pool[r]! & 0x0f)] + HEX[pool[r + 1]!];
  id += HEX[0x80 | (pool[r + 2]! & 0x3f)];
  for (let i = 3; i < 10; i++) id += HEX[pool[r + i]!];
  return id;
}

/** `count` random bytes as hex (span and trace ids for the OTLP transport, request ids). */
export function randomHex(count: number): string {
  const r = randomBytes(count);
  let hex = '';
  for (let i = 0; i < count; i++) hex += HEX[pool[r + i]!];
  return hex;
}
