import type { ClientRequest, IncomingMessage } from 'node:http';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { getContext, toBaggageHeader } from '../context.js';
import { describe, report } from '../diagnostics.js';
import { state } from '../state.js';
import type { Tracker } from '../tracker.js';
import { isEventStream, isJson, recordCall, ResponseObserver, serviceUsage, statusFailure, type Call } from './observer.js';
import type { ProviderHosts } from './providerHosts.js';

const PATCHED = Symbol.for('@panoptic/sdk.http');
// createRequire works from both builds; the path is only a base for resolving built-in modules.
const builtin = createRequire(process.cwd() + '/');

/**
 * Wraps `http.request`/`get` and `https.request`/`get` (clients built on them, such as node-fetch or axios, included):
 * provider calls are recorded, other calls carry the context as `baggage`. The response is observed where Node's
 * HTTP parser hands it its bytes (`push`), so the caller's stream — its mode, pace and contents — is untouched.
 */
export function installHttpCapture(hosts: () => ProviderHosts): void {
  for (const name of ['http', 'https'] as const) {
    const module = builtin(`node:${name}`);
    if (module[PATCHED]) continue;
    module[PATCHED] = true;
    const defaultPort = name === 'https' ? '443' : '80';
    const original = module.request;
    const request = function (this: unknown, ...args: unknown[]): ClientRequest {
      const sent: ClientRequest = original.apply(this, args);
      try {
        watch(sent, hosts(), defaultPort);
      } catch (e) {
        report('error', `observing an HTTP request failed: ${describe(e)}`);
      }
      return sent;
    };
    module.request = request;
    // What Node's own get does, over the wrapped request (Node's get calls its inner request, out of reach).
    module.get = function get(this: unknown, ...args: unknown[]): ClientRequest {
      const sent = request.apply(this, args);
      sent.end();
      return sent;
    };
  }
  syncBuiltinESMExports();
}

function watch(request: ClientRequest, hosts: ProviderHosts, defaultPort: string): void {
  const hostHeader = String(request.getHeader('host') ?? request.host ?? '');
  const colon = hostHeader.lastIndexOf(':');
  const bracket = hostHeader.lastIndexOf(']');
  const [hostname, port] = colon > bracket ? [hostHeader.slice(0, colon), hostHeader.slice(colon + 1)] : [hostHeader, ''];
  const match = hosts.match(hostname.replace(/^\[|\]$/g, ''), port === defaultPort ? '' : port);
  if (!match) {
    addBaggage(request);
    return;
  }
  const tracker = state.tracker;
  if (!tracker) return;
  const call: Call = { match, method: (request.method ?? 'GET').toUpperCase(), path: request.path ?? '/', started: performance.now(), context: getContext() };
  // Listening would change what Node does (an unheard 'response' is dumped, an unheard 'error' throws), so the
  // request's emit is wrapped instead.
  let answered = false;
  const emit = request.emit;
  request.emit = function (this: ClientRequest, event: string | symbol, ...args: any[]): boolean {
    try {
      if (event === 'response' && !answered) {
        answered = true;
        onResponse(tracker, call, request, args[0] as IncomingMessage);
      } else if (event === 'error' && !answered) {
        answered = true;
        recordCall(tracker, call, undefined, args[0]);
      }
    } catch (e) {
      report('error', `observing an HTTP response failed: ${describe(e)}`);
    }
    return emit.apply(this, [event, ...args] as any);
  } as typeof request.emit;
}

function addBaggage(request: ClientRequest): void {
  if (!state.context.getStore() || request.headersSent || request.getHeader('baggage') !== undefined) return;
  const header = toBaggageHeader(getContext());
  if (header) request.setHeader('baggage', header);
}

function onResponse(tracker: Tracker, call: Call, request: ClientRequest, response: IncomingMessage): void {
  const status = response.statusCode ?? 0;
  const contentType = response.headers['content-type'];
  const stream = isEventStream(contentType);
  if (!(call.match.isLlm && status >= 200 && status < 300 && (stream || isJson(contentType)))) {
    const length = (value: unknown) => Number(value) || undefined;
    recordCall(tracker, call, serviceUsage(call, status, length(request.getHeader('content-length')), length(response.headers['content-length'])), statusFailure(status, response.statusMessage));
    return;
  }
  const observer = new ResponseObserver(tracker, call, status, stream);
  const decoder = decoderFor(response.headers['content-encoding'], observer);
  const push = response.push;
  response.push = function (chunk: any, encoding?: BufferEncoding): boolean {
    try {
      if (chunk === null) {
        if (decoder) decoder.end();
        else observer.finish(true);
      } else {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
        if (decoder) decoder.write(bytes);
        else observer.saw(bytes);
      }
    } catch (e) {
      report('error', `reading an HTTP response failed: ${describe(e)}`);
    }
    return push.call(this, chunk, encoding);
  };
  const emit = response.emit;
  response.emit = function (this: IncomingMessage, event: string | symbol, ...args: any[]): boolean {
    // A decoder still working finishes the observer itself; an abandoned or failed body ends here.
    if (event === 'error') observer.finish(false, args[0]);
    else if ((event === 'aborted' || event === 'close') && !decoder) observer.finish(false);
    return emit.apply(this, [event, ...args] as any);
  } as typeof response.emit;
}

/** A decompressor in front of the observer for a compressed body (the caller still gets the compressed bytes). */
function decoderFor(encoding: string | string[] | undefined, observer: ResponseObserver): Transform | undefined {
  const name = String(encoding ?? '').trim().toLowerCase();
  const decoder = name === 'gzip' || name === 'x-gzip' ? createGunzip() : name === 'deflate' ? createInflate() : name === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder) return undefined;
  decoder.on('data', (bytes: Buffer) => observer.saw(bytes));
  decoder.on('end', () => observer.finish(true));
  decoder.on('error', () => observer.finish(false));
  return decoder;
}
