import { requestRecorder, runInRequestContext, type MiddlewareOptions } from './requestContext.js';

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
    runInRequestContext(request, request.headers.baggage, options, 'the Express middleware', (values) => {
      const record = requestRecorder(options, values);
      if (record) {
        const end = () => record(request.method ?? 'GET', routeOf(request), response.statusCode);
        response.once('finish', end);
        response.once('close', end);
      }
    }, next);
  };
}

function routeOf(request: ExpressLikeRequest): string | undefined {
  const path = request.route?.path;
  return typeof path === 'string' ? (request.baseUrl ?? '') + path : undefined;
}
