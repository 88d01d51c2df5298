#!/usr/bin/env node
import { parseCommandArgs } from './args';
import type { Command } from './command';
import { type CliIo, processIo } from './io';
import { evaluateCommand } from './evaluate.command';
import { keygenCommand } from './keygen.command';
import {
  CommandError,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  printError,
  printText,
} from './output';
import { shown } from './printable';
import { pushCommand } from './push.command';
import { signCommand } from './sign.command';
import { staleCommand } from './stale.command';
import { stateCommand } from './state.command';
import { uiCommand } from './ui.command';
import { validateCommand } from './validate.command';

/** Every command, in the order the help lists them. @internal */
export const COMMANDS: readonly Command[] = [
  keygenCommand,
  validateCommand,
  signCommand,
  pushCommand,
  stateCommand,
  evaluateCommand,
  staleCommand,
  uiCommand,
];

/** The general help. @internal */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: hybrid-flags <command> [options]

Manage the flags of an application that uses nestjs-hybrid-flags. The protocol it speaks:
node_modules/nestjs-hybrid-flags/docs/protocol.md.

Commands:
${lines.join('\n')}

Run "hybrid-flags <command> --help" for a command's options.
Exit codes: 0 success, 1 refused or invalid, 2 usage error.

Examples:
  hybrid-flags push flags.json --url https://my-app.example.com/_flags --key k.pem --aud my-app
  hybrid-flags state --expect flags.json --url https://my-app.example.com/_flags --key k.pem --aud my-app
  hybrid-flags stale --src src --url https://my-app.example.com/_flags --key k.pem --aud my-app
  hybrid-flags ui --file flags.json --url https://my-app.example.com/_flags --key k.pem --aud my-app
  curl -H "Authorization: Bearer $(hybrid-flags sign --key k.pem --aud my-app < body.json)" \\
       -H 'Content-Type: application/vnd.hybrid-flags+json' --data-binary @body.json \\
       https://my-app.example.com/_flags/deliveries
`;
}

/** Runs `hybrid-flags` with the arguments after the program name; returns the exit code. @internal */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic =
      name === 'help' ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    if (topic !== undefined) printText(io, topic.help);
    else printText(io, generalHelp(), name === undefined ? 'stderr' : 'stdout');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    printError(io, shown`unknown command "${name}"; run "hybrid-flags --help"`);
    return EXIT_USAGE;
  }
  try {
    const args = parseCommandArgs(rest, command.options, command.maxPositionals);
    if (args.values.help === true) {
      printText(io, command.help);
      return EXIT_OK;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      printError(io, `${error.message}\nRun "hybrid-flags ${command.name} --help" for usage.`);
      return EXIT_USAGE;
    }
    if (error instanceof CommandError) {
      printError(io, error.message);
      return EXIT_FAILURE;
    }
    printError(io, `unexpected error: ${(error as Error).stack ?? String(error)}`);
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  const io = processIo();
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      printError(io, String(error));
      process.exitCode = EXIT_FAILURE;
    },
  );
}
