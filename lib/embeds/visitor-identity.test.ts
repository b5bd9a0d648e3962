import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyVisitorToken } from './visitor-identity';

const SECRET = 'fces_test-secret-of-the-embed-0123456789';
const sign = (payload: Record<string, unknown>, secret = SECRET, alg = 'HS256') =>
  new SignJWT(payload)
    .setProtectedHeader({ alg })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));

describe('signed visitor identities', () => {
  it('names the visitor when the site signed {id, name} with the secret', async () => {
    const token = await sign({ id: 'cust-42', name: 'Ada  Lovelace' });
    expect(await verifyVisitorToken(token, SECRET)).toEqual({
      id: 'cust-42',
      name: 'Ada Lovelace',
    });
  });

  it('ignores a token signed with another key, tampered, or without a name', async () => {
    expect(
      await verifyVisitorToken(await sign({ id: 'a', name: 'A' }, 'other'), SECRET),
    ).toBeNull();
    const token = await sign({ id: 'a', name: 'Ada' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ id: 'a', name: 'Admin' })).toString('base64url');
    expect(await verifyVisitorToken(`${header}.${forged}.${signature}`, SECRET)).toBeNull();
    expect(await verifyVisitorToken(await sign({ id: 'a' }), SECRET)).toBeNull();
    expect(await verifyVisitorToken('not-a-jwt', SECRET)).toBeNull();
    expect(await verifyVisitorToken(undefined, SECRET)).toBeNull();
  });

  it('refuses the unsigned algorithm', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"id":"a","name":"A"}').toString('base64url')}.`;
    expect(await verifyVisitorToken(none, SECRET)).toBeNull();
  });
});
