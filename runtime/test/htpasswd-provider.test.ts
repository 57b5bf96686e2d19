import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import apacheMd5 from 'apache-md5';
import bcrypt from 'bcryptjs';

import { HtpasswdProvider, type Verdict } from '../src/index.js';

const OK: Verdict = { ok: true };
const INVALID: Verdict = { ok: false, reason: 'Invalid Authorization Header', schemeMatched: true };

const lines = [
  '# generated at test time',
  `alice:${bcrypt.hashSync('alice-pw', 4).replace(/^\$2b\$/, '$2y$')}`,
  `amy:${bcrypt.hashSync('amy-pw', 4)}`,
  `ann:${bcrypt.hashSync('ann-pw', 4).replace(/^\$2b\$/, '$2a$')}`,
  `bob:${apacheMd5('bob-pw')}`,
  `carol:{SHA}${createHash('sha1').update('carol-pw').digest('base64')}`,
  `colin:${apacheMd5('colin:pw:with:colons')}`,
  '',
  '   dave:{SHA}' + createHash('sha1').update('dave-pw').digest('base64') + '   ',
  // Vectors from `openssl passwd`: UTF-8 and colon-bearing passwords hash like Apache's.
  'olga:$apr1$abcdefgh$rRdIxwY5XRHT4TMtBPZn.0',
  'oscar:$apr1$xyz$W4Khf8bxMlsCGN4Bq3RFF/',
  'sophie:{SHA}I7dElEdfX4dJgLdnbVEeI9iG2mQ=',
  // Forms we do not support, from `openssl passwd -1/-5/-6` and plain text.
  'erin:$1$p4eOAorw$oIxd0uiMdo.5seOfJLoQe/',
  'gina:$5$DUS5EvMN9VmyH3mW$YAkIJNEhHVzfV.JLM/H2ZHVRvfzEb3GLL1JyX.XeznD',
  'hank:$6$B2tOuMioa0HrdkrO$3tKXMfpQeGqT5nWRsuSPY1eADcAyfK2SUqwXE2y684eNNg6P5iM044HJI0Zk' +
    'hKpmP2ntCoaL1/vSdhXFRK8S6/',
  'frank:frank-pw',
  'amy:$2b$04$shadowedshadowedshadoweOAxkBLnwJ3DKfLyvVDyHbyUCVDmeeGIW',
];
const provider = new HtpasswdProvider('basic', lines.join('\n'));

function basic(userPass: string): string {
  return `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;
}

describe('HtpasswdProvider', () => {
  for (const [user, form] of [
    ['alice', '$2y$'],
    ['amy', '$2b$'],
    ['ann', '$2a$'],
    ['bob', '$apr1$'],
    ['carol', '{SHA}'],
    ['dave', '{SHA} on an indented line'],
  ] as const) {
    it(`accepts the right password and rejects a wrong one for ${form}`, async () => {
      assert.deepEqual(await provider.verify(basic(`${user}:${user}-pw`)), OK);
      assert.deepEqual(await provider.verify(basic(`${user}:${user}-pw!`)), INVALID);
      assert.deepEqual(await provider.verify(basic(`${user}:`)), INVALID);
    });
  }

  it('matches openssl vectors with UTF-8 and colon-bearing passwords', async () => {
    assert.deepEqual(await provider.verify(basic('olga:pässword')), OK);
    assert.deepEqual(await provider.verify(basic('oscar:a:b')), OK);
    assert.deepEqual(await provider.verify(basic('sophie:pässword')), OK);
    assert.deepEqual(await provider.verify(basic('colin:colin:pw:with:colons')), OK);
    assert.deepEqual(await provider.verify(basic('oscar:a')), INVALID);
  });

  it('rejects an unknown user', async () => {
    assert.deepEqual(await provider.verify(basic('mallory:alice-pw')), INVALID);
    assert.deepEqual(await provider.verify(basic(':alice-pw')), INVALID);
    assert.deepEqual(await provider.verify(basic('# generated at test time:x')), INVALID);
  });

  it('never matches unsupported hash forms, even with the right password', async () => {
    for (const user of ['erin', 'gina', 'hank', 'frank']) {
      assert.deepEqual(await provider.verify(basic(`${user}:${user}-pw`)), INVALID, user);
    }
  });

  it('uses the first line of a user that appears twice', async () => {
    assert.deepEqual(await provider.verify(basic('amy:amy-pw')), OK);
  });

  it('rejects malformed headers', async () => {
    const notScheme: Verdict = { ...INVALID, schemeMatched: false };
    const missing: Verdict = {
      ok: false,
      reason: 'Missing Authorization Header',
      schemeMatched: false,
    };
    const cases: [string | undefined, Verdict][] = [
      [undefined, missing],
      ['', missing],
      ['Basic %%%not-base64%%%', INVALID],
      ['Basic ', INVALID],
      [`Basic ${Buffer.from('alicealice-pw').toString('base64')}`, INVALID],
      [`Basic ${Buffer.from('alice:alice-pw').toString('base64').replace(/=+$/, '')}`, INVALID],
      [`Basic ${Buffer.from('alice:alice-pw').toString('base64')}AB`, INVALID],
      [`Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`, INVALID],
      [basic('alice:alice-pw').replace('Basic', 'basic'), notScheme],
      [basic('alice:alice-pw').replace('Basic ', ''), notScheme],
      ['Bearer abc.def.ghi', notScheme],
    ];
    for (const [header, expected] of cases) {
      assert.deepEqual(await provider.verify(header), expected, String(header));
    }
  });

  it('spends about as long on an unknown user as on a wrong password', async () => {
    const costly = new HtpasswdProvider('slow', `zoe:${bcrypt.hashSync('zoe-pw', 8)}\n`);
    const median = async (header: string): Promise<number> => {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await costly.verify(header);
        samples.push(performance.now() - started);
      }
      return samples.sort((a, b) => a - b)[2]!;
    };
    const wrongPassword = await median(basic('zoe:nope'));
    const unknownUser = await median(basic('nobody:nope'));

    // Without the decoy an unknown user answers in microseconds; bcrypt cost 8 takes >5 ms.
    assert.ok(unknownUser > wrongPassword * 0.4, `${unknownUser} ms vs ${wrongPassword} ms`);
  });
});
