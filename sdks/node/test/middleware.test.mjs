import { test, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import express from 'express';
import Fastify from 'fastify';
import { panopticExpress, panopticFastify, withPanoptic, getContext, track, flush, close, eventToJson } from '@panoptic/sdk';
import { start } from './helpers.mjs';

afterEach(() => close());

const events = async (transport) => {
  await flush();
  return transport.events.map(eventToJson);
};

async function serveExpress(app) {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

test('express_ResolverAndBaggage_ContextInHandlerAndRequestRecorded', async () => {
  const transport = await start();
  const app = express();
  app.use(panopticExpress({ resolve: (req) => ({ userId: req.get('x-user'), attributes: { via: 'express' } }) }));
  app.get('/orders/:id', async (req, res) => {
    await new Promise((r) => setTimeout(r, 1));
    track({ provider: 'openai', operation: 'inner' });
    res.json(getContext());
  });
  const server = await serveExpress(app);
  try {
    const context = await (await fetch(`${server.url}/orders/42`, { headers: { 'x-user': 'ann', baggage: 'tenant_id=acme,request_id=up-1' } })).json();
    assert.deepEqual(context, { tenantId: 'acme', userId: 'ann', requestId: 'up-1', attributes: { via: 'express' } });
    await new Promise((r) => setTimeout(r, 20));
    const [inner, request] = await events(transport);
    assert.equal(inner.tenant_id, 'acme');
    assert.equal(request.provider, 'http.server');
    assert.equal(request.operation, 'GET /orders/:id');
    assert.equal(request.tenant_id, 'acme');
    assert.equal(request.attributes.status_code, 200);
    assert.equal(request.cost.amount, 0);
  } finally {
    await server.close();
  }
});

test('express_ResolverThrowsOrRejects_RequestStillServed', async () => {
  const transport = await start();
  const app = express();
  app.use(panopticExpress({ resolve: (req) => { if (req.path === '/sync') throw new Error('bad'); return Promise.reject(new Error('worse')); }, readBaggage: false }));
  app.get('/:any', (req, res) => res.status(req.params.any === 'sync' ? 200 : 503).json(getContext()));
  const server = await serveExpress(app);
  try {
    const sync = await fetch(`${server.url}/sync`, { headers: { baggage: 'tenant_id=ignored' } });
    assert.equal(sync.status, 200);
    assert.equal((await sync.json()).tenantId, undefined);
    assert.equal((await fetch(`${server.url}/async`)).status, 503);
    await new Promise((r) => setTimeout(r, 20));
    const recorded = await events(transport);
    assert.deepEqual(recorded.map((e) => e.status), ['ok', 'error']); // a 5xx is a failed request
  } finally {
    await server.close();
  }
});

test('fastify_Plugin_ContextInHandlerAndRequestRecorded', async () => {
  const transport = await start();
  const app = Fastify();
  await app.register(panopticFastify, { resolve: async (req) => ({ tenantId: req.headers['x-tenant'] }) });
  app.get('/users/:id', async () => {
    await new Promise((r) => setTimeout(r, 1));
    return getContext();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const response = await fetch(`http://127.0.0.1:${app.server.address().port}/users/7`, { headers: { 'x-tenant': 'globex', baggage: 'feature=search' } });
    const context = await response.json();
    assert.equal(context.tenantId, 'globex');
    assert.equal(context.feature, 'search');
    assert.match(context.requestId, /^[0-9a-f]{16}$/);
    const [request] = await events(transport);
    assert.equal(request.operation, 'GET /users/:id');
    assert.equal(request.tenant_id, 'globex');
  } finally {
    await app.close();
  }
});

test('next_RouteHandler_ContextFromRequestAndErrorsPassThrough', async () => {
  const transport = await start();
  const GET = withPanoptic(async (request) => Response.json(getContext()), { resolve: (req) => ({ tenantId: req.headers.get('x-tenant') ?? undefined }) });
  const response = await GET(new Request('http://app.local/api/items/123', { headers: { 'x-tenant': 'initech', baggage: 'user_id=carol' } }));
  assert.deepEqual({ ...(await response.json()), requestId: undefined }, { tenantId: 'initech', userId: 'carol', requestId: undefined });
  const boom = new Error('handler failed');
  const POST = withPanoptic(async () => { throw boom; }, { route: '/api/items', resolve: () => { throw new Error('resolver'); } });
  await assert.rejects(POST(new Request('http://app.local/api/items', { method: 'POST' })), (e) => e === boom);
  const [get, post] = await events(transport);
  assert.equal(get.operation, 'GET /api/items/{id}');
  assert.equal(get.tenant_id, 'initech');
  assert.equal(post.operation, 'POST /api/items');
  assert.equal(post.status, 'error');
});
