import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withContext, getContext, fromBaggageHeader, toBaggageHeader } from '@panoptic/sdk';

test('withContext_Nested_InnerFieldWinsAndAttributesMergeDeeply', () => {
  withContext({ tenantId: 'acme', feature: 'chat', attributes: { region: 'eu', limits: { a: 1, b: 2 } } }, () => {
    withContext({ feature: 'export', attributes: { limits: { b: 3 }, tier: 'x' } }, () => {
      assert.deepEqual(getContext(), { tenantId: 'acme', feature: 'export', attributes: { region: 'eu', limits: { a: 1, b: 3 }, tier: 'x' } });
    });
    assert.equal(getContext().feature, 'chat');
  });
  assert.deepEqual(getContext(), {});
});

test('withContext_AsyncBranches_KeepTheirOwnValues', async () => {
  const seen = await withContext({ tenantId: 'acme' }, () => Promise.all(['ann', 'bob'].map((user) =>
    withContext({ userId: user }, async () => {
      await new Promise((r) => setTimeout(r, user === 'ann' ? 20 : 1));
      await Promise.resolve();
      return `${getContext().tenantId}/${getContext().userId}`;
    }))));
  assert.deepEqual(seen, ['acme/ann', 'acme/bob']);
});

test('fromBaggageHeader_W3cEntries_ReadsKnownKeysDecodedFirstWins', () => {
  const values = fromBaggageHeader(' tenant_id = ac%20me ;prop=1, user_id=ann,other=x, tenant_id=second,plan=pro,feature=%E2%9C%93,request_id=r1,=novalue,bad');
  assert.deepEqual(values, { tenantId: 'ac me', userId: 'ann', plan: 'pro', feature: '✓', requestId: 'r1' });
});

test('fromBaggageHeader_HostileValues_NeverThrowsAndStaysBounded', () => {
  assert.deepEqual(fromBaggageHeader('tenant_id=%E0%A4%A'), { tenantId: '%E0%A4%A' }); // an invalid escape kept as written
  assert.deepEqual(fromBaggageHeader(undefined), {});
  assert.deepEqual(fromBaggageHeader(['tenant_id=a', 'user_id=b']), { tenantId: 'a', userId: 'b' });
  const huge = 'x=' + 'y'.repeat(10_000_000) + ',tenant_id=late';
  const started = process.hrtime.bigint();
  assert.deepEqual(fromBaggageHeader(huge), {}); // past 8192 characters nothing more is read
  assert.ok(process.hrtime.bigint() - started < 200_000_000n);
  assert.deepEqual(fromBaggageHeader(',,,;;;===,tenant_id'), {});
});

test('toBaggageHeader_Fields_PercentEncodedAndRoundTrips', () => {
  const values = { tenantId: 'a,c=m;e', userId: 'ann', plan: 'pro', feature: 'chat', requestId: 'r 1', attributes: { secret: 'not sent' } };
  const header = toBaggageHeader(values);
  assert.equal(header, 'tenant_id=a%2Cc%3Dm%3Be,user_id=ann,plan=pro,feature=chat,request_id=r%201');
  const { attributes, ...fields } = values;
  assert.deepEqual(fromBaggageHeader(header), fields);
  assert.equal(toBaggageHeader({ attributes: { a: 1 } }), '');
});
