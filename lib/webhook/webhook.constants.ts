/**
 * The media type of every signed body (docs/protocol.md). Its own type, rather than
 * `application/json`, keeps the host's JSON parser away from it: the webhook reads the body
 * itself, after the token is verified and within its own limits.
 * @publicApi
 */
export const SIGNED_MEDIA_TYPE = 'application/vnd.hybrid-flags+json';

/** Where the signed endpoints live unless the `webhookPath` extra says otherwise. @internal */
export const DEFAULT_WEBHOOK_PATH = '/_flags';
