import { serializeEvent, type CostEvent } from '../event.js';
import { sdkFetch } from '../state.js';
import { retryAfterMs, SendResult, type Transport } from './transport.js';

/**
 * Posts batches to a Panoptic server's `POST /api/v1/events` with the workspace's ingestion key. 2xx and 422 (the
 * server stored the valid events and rejected the rest, which a retry cannot fix) are final; 429, 5xx and network
 * errors are retryable (Retry-After honoured); other 4xx (a wrong key) are permanent. Never puts the key in an error.
 */
export class ServerTransport implements Transport {
  private readonly url: string;

  constructor(endpoint: string, private readonly apiKey: string, private readonly timeoutMs = 30_000) {
    this.url = new URL('api/v1/events', endpoint.endsWith('/') ? endpoint : endpoint + '/').href;
  }

  async send(batch: readonly CostEvent[], signal: AbortSignal): Promise<SendResult> {
    const body = '{"events":[' + batch.map(serializeEvent).join(',') + ']}';
    let response: Response;
    try {
      response = await sdkFetch()(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
    } catch (e) {
      const cause = (e as any)?.cause?.code ?? (e as Error)?.name ?? 'error';
      return SendResult.retryable(`the server is unreachable (${cause})`);
    }
    // The answer's body is not needed; reading it frees the connection for the next batch.
    await response.arrayBuffer().catch(() => undefined);
    const status = response.status;
    if (response.ok || status === 422) return SendResult.ok;
    if (status === 429 || status >= 500) return SendResult.retryable(`the server answered ${status}`, retryAfterMs(response.headers.get('retry-after')));
    return SendResult.permanent(`the server answered ${status}${status === 401 ? ' (check PANOPTIC_API_KEY)' : ''}`);
  }
}
