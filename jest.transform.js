/*
 * Jest transformer: TypeScript's transpileModule, file by file, for our TypeScript and for the
 * ES-module-only packages (NestJS 12) that Jest's CommonJS runtime cannot load on Node 20. Type
 * checking is `npm run typecheck`; this only strips types and converts modules.
 */
const ts = require('typescript');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

// The cache key covers this file too, so a change here is never hidden by cached output.
const SELF = readFileSync(__filename, 'utf8');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  allowJs: true,
  inlineSourceMap: true,
  inlineSources: true,
};

// CommonJS has no import.meta; what ES-module packages read from it, CommonJS has under other names.
const IMPORT_META =
  '({ url: require("node:url").pathToFileURL(__filename).href, dirname: __dirname, filename: __filename })';

module.exports = {
  process(source, path) {
    let code = source;
    if (code.includes('import.meta')) {
      code = code
        .replace(/\bimport\.meta\b/g, IMPORT_META)
        // `const require = createRequire(import.meta.url)`: CommonJS already has a require.
        .replace(/\b(const|let)\s+require\s*=/g, '$1 __createdRequire =');
    }
    const { outputText } = ts.transpileModule(code, { compilerOptions, fileName: path });
    return { code: outputText };
  },
  getCacheKey(source, path) {
    return createHash('sha256')
      .update(ts.version)
      .update(SELF)
      .update(path)
      .update(source)
      .digest('hex');
  },
};
