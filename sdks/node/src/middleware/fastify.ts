import { describe, report } from '../diagnostics.js';
import { requestRecorder, runInRequestContext, type MiddlewareOptions } from './requestContext.js';

/** The parts of a Fastify instance, request and reply the plugin uses. */
export interface FastifyLikeRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
}

interface FastifyLike {
  addHook(name: 'onRequest' | 'onResponse', hook: (request: any, reply: any, done: (error?: Error) => void) => void): unknown;
}

const RECORDER = Symbol('panoptic.recorder');

/**
 * Fastify plugin: `app.register(panopticFastify, { resolve: (req) => ({ tenantId: req.headers['x-tenant'] }) })`. Runs
 * each request's handlers in its context and records it as `http.server` with the route (`GET /orders/:id`).
 * It applies to the whole instance (it opts out of Fastify's encapsulation, as fastify-plugin does). Never fails a request.
 */
export function panopticFastify(fastify: FastifyLike, options: MiddlewareOptions<FastifyLikeRequest>, done: (error?: Error) => void): void {
  fastify.addHook('onRequest', (request: FastifyLikeRequest & { [RECORDER]?: unknown }, _reply, next) => {
    runInRequestContext(request, request.headers.baggage, options ?? {}, 'the Fastify hook', (values) => {
      request[RECORDER] = requestRecorder(options ?? {}, values);
    }, next);
  });
  fastify.addHook('onResponse', (request: FastifyLikeRequest & { [RECORDER]?: (m: string, r: string | undefined, s: number) => void }, reply: { statusCode: number }, next) => {
    try {
      request[RECORDER]?.(request.method, request.routeOptions?.url, reply.statusCode);
    } catch (e) {
      report('error', `recording the request failed: ${describe(e)}`);
    }
    next();
  });
  done();
}

// What fastify-plugin sets: hooks registered by this plugin apply to the parent instance, not only its own scope.
(panopticFastify as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(panopticFastify as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = '@panoptic/sdk';
