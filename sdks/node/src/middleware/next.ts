import { describe, report } from '../diagnostics.js';
import { routeOf } from '../http/route.js';
import { state } from '../state.js';
import type { ContextValues } from '../context.js';
import { requestRecorder, resolveRequestContext, type MiddlewareOptions } from './requestContext.js';

/** Next.js route handler options: the resolver reads the web Request; `route` names the operation (default: the path with ids folded). */
export interface NextRouteOptions extends MiddlewareOptions<Request> {
  route?: string;
}

/**
 * Wraps a Next.js App Router route handler (`export const POST = withPanoptic(async (req) => ..., { resolve })`): it
 * runs in the request's context and is recorded as `http.server`. The handler's response and errors reach Next
 * unchanged; the wrapper's own trouble never fails the request.
 */
export function withPanoptic<A extends unknown[], R extends Response | undefined | void>(
  handler: (request: Request, ...rest: A) => R | Promise<R>,
  options: NextRouteOptions = {},
): (request: Request, ...rest: A) => Promise<R> {
  return async function (request: Request, ...rest: A): Promise<R> {
    let values: ContextValues = {};
    try {
      values = await new Promise<ContextValues>((resolve) => resolveRequestContext(request, request.headers.get('baggage'), options, resolve));
    } catch (e) {
      report('error', `the Next.js wrapper failed: ${describe(e)}`);
    }
    let record: ReturnType<typeof requestRecorder>;
    let route: string | undefined;
    try {
      record = requestRecorder(options, values);
      route = options.route ?? routeOf('', new URL(request.url).pathname).slice(1);
    } catch (e) {
      report('error', `recording the request failed: ${describe(e)}`);
    }
    return state.context.run(values, async () => {
      try {
        const response = await handler(request, ...rest);
        record?.(request.method, route, response instanceof Response ? response.status : 200);
        return response;
      } catch (error) {
        record?.(request.method, route, 500, error);
        throw error;
      }
    });
  };
}
