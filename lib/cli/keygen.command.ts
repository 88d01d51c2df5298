import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { stringOption } from './args';
import type { Command } from './command';
import { deriveKid } from './key-id';
import { CommandError, EXIT_OK, UsageError, printJson, printLines, printText } from './output';
import { printable, shown } from './printable';

const DEFAULT_NAME = 'hybrid-flags';

/** `hybrid-flags keygen`: an ES256 (EC P-256) key pair. @internal */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'create an ES256 (EC P-256) key pair to sign requests with',
  help: `Usage: hybrid-flags keygen [--out <dir>] [--name <base>] [--json]

Creates an ES256 (EC P-256) key pair and prints the kid to configure in the application.

  --out <dir>     write <base>-private.pem (PKCS#8, mode 0600) and <base>-public.pem (SPKI)
                  into <dir> (created if missing); existing files are never overwritten.
                  Without --out, both PEMs are printed.
  --name <base>   file name base, with --out (default: ${DEFAULT_NAME})
  --json          print { kid, algorithm, ... } as JSON

The application trusts the public key:
  { kid: '<kid>', publicKey: readFileSync('<base>-public.pem', 'utf8') }
`,
  options: { out: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  maxPositionals: 0,
  async run(args, io) {
    const out = stringOption(args, 'out');
    const name = stringOption(args, 'name');
    if (name !== undefined && out === undefined) throw new UsageError('--name needs --out <dir>');
    if (name !== undefined && /[/\\]/.test(name)) {
      throw new UsageError('--name is a file name base, not a path; use --out for the directory');
    }
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const kid = deriveKid(pair.publicKey);
    const json = args.values.json === true;

    if (out === undefined) {
      if (json)
        printJson(io, { kid, algorithm: 'ES256', privateKey: privatePem, publicKey: publicPem });
      else printText(io, `${privatePem}${publicPem}kid: ${kid}\n`);
      return EXIT_OK;
    }

    const base = name ?? DEFAULT_NAME;
    const privatePath = join(out, `${base}-private.pem`);
    const publicPath = join(out, `${base}-public.pem`);
    const existing = [privatePath, publicPath].filter((path) => io.exists(path));
    if (existing.length > 0) {
      throw new CommandError(
        `${existing.map(printable).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; ` +
          'choose another --name or --out, or delete them first',
      );
    }
    io.makeDirectory(out);
    io.writeNewFile(privatePath, privatePem, 0o600);
    io.writeNewFile(publicPath, publicPem, 0o644);
    if (json) {
      printJson(io, {
        kid,
        algorithm: 'ES256',
        privateKeyFile: privatePath,
        publicKeyFile: publicPath,
      });
    } else {
      printLines(io, [
        shown`private key: ${privatePath} (keep it secret; sign with it)`,
        shown`public key:  ${publicPath} (configure it in the application)`,
        `kid:         ${kid}`,
        `algorithm:   ES256`,
      ]);
    }
    return EXIT_OK;
  },
};
