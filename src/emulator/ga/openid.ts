import express, { type Router } from 'express';
import type { SigningKeys } from './signing-keys';
import { baseUrlOf } from './operations';

/**
 * What a callback receiver fetches to check our JWTs, at the paths the
 * service uses: OpenID metadata naming the JWKS, and the JWKS itself. The
 * issuer is the base URL the receiver reached us at.
 */
export function createOpenIdRouter(keys: SigningKeys): Router {
  const router = express.Router();
  router.get('/.well-known/acsopenidconfiguration', (req, res) => {
    const issuer = baseUrlOf(req);
    res.json({
      issuer,
      jwks_uri: `${issuer}/calling/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
    });
  });
  router.get('/keys', (_req, res) => {
    res.json(keys.jwks());
  });
  return router;
}
