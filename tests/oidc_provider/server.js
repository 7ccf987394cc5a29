// A real OpenID Connect provider for the single sign-on tests: panva/oidc-provider (OpenID Certified).
// PORT, CLIENT_SECRET and REDIRECT_URIS (space-separated) come from the test fixture.
// Sign-in is the library's own development form: any login is accepted and becomes the account id, which
// is the account's email; an email starting with "belum." is not verified (email_verified false).
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const client = {
  client_secret: process.env.CLIENT_SECRET,
  redirect_uris: process.env.REDIRECT_URIS.split(' '),
  grant_types: ['authorization_code'],
  response_types: ['code'],
};
// A fresh key per run: nothing signed by another run (or by a test) verifies against it.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'uji-1', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [
    { client_id: 'audisi', ...client },
    // Another application of the same regency: its ID tokens are not meant for Audisi.
    { client_id: 'aplikasi-lain', ...client },
    // Like audisi, but its ID tokens live one second (the expiry test).
    { client_id: 'audisi-singkat', ...client },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['audisi-test-oidc-provider-cookie-key'] },
  pkce: { required: () => true },
  // As the regency's provider (Keycloak and most others) does: the ID token itself carries the email claims.
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true } },
  ttl: { IdToken: (ctx, token, c) => (c.clientId === 'audisi-singkat' ? 1 : 3600) },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: !id.startsWith('belum.'), name: id.split('@')[0] };
      },
    };
  },
  // First-party clients: the person is not asked to consent to the scopes (no consent page).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
