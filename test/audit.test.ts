import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import { audit } from '../generator/audit.ts';
import { analyze } from '../generator/compiler.ts';
import { tcGen } from './helpers/cli.ts';

const root = path.resolve(import.meta.dirname, '..');

describe('tc-gen audit', () => {
  it('prints the docs example: the user is protected through its output type, its fields by their type', async () => {
    const result = await tcGen(['audit', 'fixtures/jwt-docs/config.graphql']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'field          access     admitted by   because of',
        '-------------  ---------  ------------  -----------',
        'Query.user     protected  any provider  output type',
        'User.id        protected  any provider  parent type',
        'User.name      protected  any provider  parent type',
        'User.username  protected  any provider  parent type',
        'User.email     protected  any provider  parent type',
        'User.phone     protected  any provider  parent type',
        'User.website   protected  any provider  parent type',
        '',
      ].join('\n'),
    );
  });

  it('shows a call as protected by the field it reaches, through other calls too', async () => {
    const result = await analyze(path.join(root, 'fixtures/composition/config.graphql'), root);
    assert.ok(result.plan, result.diagnostics.map((d) => d.message).join('\n'));
    const fields = audit(result.plan).fields.filter((f) =>
      /^Query\.(note|secretNote)/.test(f.field),
    );
    assert.deepEqual(fields, [
      { field: 'Query.secretNote', protected: true, providers: [], reason: 'field' },
      { field: 'Query.noteVia', protected: true, providers: [], reason: 'call' },
      { field: 'Query.noteHop', protected: true, providers: [], reason: 'call' },
      { field: 'Query.noteText', protected: true, providers: [], reason: 'field' },
    ]);
  });

  it('names providers and reasons, flags public routes to protected types and unused links', async () => {
    const result = await analyze(path.join(root, 'fixtures/multi-provider/config.graphql'), root);
    assert.ok(result.plan, result.diagnostics.map((d) => d.message).join('\n'));
    const report = audit(result.plan);
    assert.deepEqual(report.fields, [
      { field: 'Query.products', protected: false },
      { field: 'Query.me', protected: true, providers: ['staff'], reason: 'field' },
      { field: 'Query.employee', protected: false },
      { field: 'Query.orders', protected: true, providers: ['partners'], reason: 'output' },
      { field: 'Product.id', protected: false },
      { field: 'Product.name', protected: false },
      { field: 'Product.cost', protected: true, providers: ['partners', 'staff'], reason: 'field' },
      { field: 'Employee.id', protected: false },
      { field: 'Employee.name', protected: false },
      { field: 'Order.id', protected: true, providers: ['partners'], reason: 'type' },
      { field: 'Order.total', protected: true, providers: ['partners'], reason: 'type' },
    ]);
    assert.deepEqual(report.warnings, [
      'Query.employee returns Employee without auth, while Query.me protects it',
      'link legacy (legacy.htpasswd) is used by no @protected',
    ]);
  });

  it('takes no scalar, enum or self-protecting type for a protected one (false warnings on every String field)', async () => {
    const result = await analyze(path.join(root, 'fixtures/field-protection/config.graphql'), root);
    assert.ok(result.plan, result.diagnostics.map((d) => d.message).join('\n'));
    const report = audit(result.plan);
    assert.deepEqual(
      report.fields.filter((f) => f.protected).map((f) => f.field),
      ['Query.me', 'Query.status', 'User.email'],
    );
    assert.deepEqual(report.warnings, []);
  });

  it('prints JSON for CI, and fails on public fields matching --fail-on-public', async () => {
    const json = await tcGen(['audit', 'fixtures/multi-provider/config.graphql', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { fields: { field: string }[]; warnings: string[] };
    assert.equal(report.fields.length, 11);

    const failing = await tcGen([
      'audit',
      'fixtures/multi-provider/config.graphql',
      '--fail-on-public',
      'Query.*',
    ]);
    assert.equal(failing.code, 1);
    assert.equal(
      failing.stderr,
      'tc-gen: public fields match --fail-on-public: Query.products, Query.employee\n',
    );

    const passing = await tcGen([
      'audit',
      'fixtures/multi-provider/config.graphql',
      '--fail-on-public',
      'Order.*',
    ]);
    assert.equal(passing.code, 0);
  });
});
