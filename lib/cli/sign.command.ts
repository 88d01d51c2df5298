import type { Command } from './command';
import { EXIT_OK, printJson, printLines } from './output';
import { SIGNING_HELP, SIGNING_OPTIONS, signerFromArgs } from './signer';

/** `hybrid-flags sign`: a bearer token for one request body. @internal */
export const signCommand: Command = {
  name: 'sign',
  summary: 'print a signed token (JWT) for the request body read from stdin',
  help: `Usage: hybrid-flags sign --key <private.pem> --aud <audience> [--iss <issuer>] [--sub <who>]
                         [--kid <kid>] [--ttl <seconds>] [--json] < body

Prints a JWT for one request: its body_sha256 claim is the SHA-256 of the exact bytes read from
stdin (empty for a request without a body, e.g. GET; an interactive terminal counts as empty).
The algorithm follows the key: EC P-256 -> ES256, RSA (2048+ bits) -> RS256, Ed25519 -> EdDSA.

${SIGNING_HELP}
  --json          print { token, header, claims } as JSON

Example:
  curl -H "Authorization: Bearer $(hybrid-flags sign --key k.pem --aud my-app < body.json)" \\
       -H 'Content-Type: application/vnd.hybrid-flags+json' --data-binary @body.json \\
       https://my-app.example.com/_flags/deliveries

Each token has a fresh jti and can be used once: sign again for every request, and send the
body byte for byte (curl --data-binary, not --data).
`,
  options: { ...SIGNING_OPTIONS, json: { type: 'boolean' } },
  maxPositionals: 0,
  async run(args, io) {
    const signer = signerFromArgs(args, io);
    const signed = signer.sign(await io.readStdin());
    if (args.values.json === true) printJson(io, signed);
    else printLines(io, [signed.token]);
    return EXIT_OK;
  },
};
