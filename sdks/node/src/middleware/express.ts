import { describe, report } from '../diagnostics.js';
import { state } from '../state.js';
import { requestRecorder, resolveRequestContext, type MiddlewareOptions } from './requestContext.js';

/** The parts of an Express (or Connect) request and response the middleware reads. */
export interface ExpressLikeRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  baseUrl?: string;
  route?: { path?: unknown };
}

export interface ExpressLikeResponse {
  statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/**
 * Express middleware: `app.use(panopticExpress({ resolve: (req) => ({ tenantId: req.get('x-tenant') }) }))`. Each
 * request runs in its context (baggage, request id, resolver) and is recorded as `http.server` with its route
 * (`GET /orders/:id`). It never fails a request: its own trouble is reported, and the request goes on.
 */
export function panopticExpress<Req extends ExpressLikeRequest = ExpressLikeRequest>(options: MiddlewareOptions<Req> = {}) {
  return function panoptic(request: Req, response: ExpressLikeResponse, next: (error?: unknown) => void): void {
    let called = false;
    const proceed = () => {
      if (!called) {
        called = true;
        next();
      }
    };
    try {
      resolveRequestContext(request, request.headers.baggage, options, (values) => {
        try {
          const record = requestRecorder(options, values);
          if (record) {
            const end = () => record(request.method ?? 'GET', routeOf(request), response.statusCode);
            response.once('finish', end);
            response.once('close', end);
          }
        } catch (e) {
          report('error', `recording the request failed: ${describe(e)}`);
        }
        state.context.run(values, proceed);
      });
    } catch (e) {
      report('error', `the Express middleware failed: ${describe(e)}`);
      proceed();
    }
  };
}

function routeOf(request: ExpressLikeRequest): string | undefined {
  const path = request.route?.path;
  return typeof path === 'string' ? (request.baseUrl ?? '') + path : undefined;
}
