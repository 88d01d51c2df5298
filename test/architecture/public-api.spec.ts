import { join, relative } from 'path';
import ts from 'typescript';

/*
 * The package's public surface is a decision: what each entry point exports is listed here, so a
 * change to it shows in review, and every export is tagged @publicApi (and nothing tagged
 * @publicApi is left unexported).
 */

const ROOT = join(__dirname, '..', '..');
const ENTRIES = {
  'nestjs-hybrid-flags': 'lib/index.ts',
  'nestjs-hybrid-flags/openfeature': 'lib/openfeature/index.ts',
  'nestjs-hybrid-flags/testing': 'lib/testing/index.ts',
};

const program = ts.createProgram(
  Object.values(ENTRIES).map((entry) => join(ROOT, entry)),
  { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, noEmit: true },
);
const checker = program.getTypeChecker();

interface Export {
  name: string;
  kind: 'value' | 'type';
  declarations: ts.Declaration[];
}

function exportsOf(entry: string): Export[] {
  const source = program.getSourceFile(join(ROOT, entry));
  const module = source && checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`cannot read ${entry}`);
  return checker
    .getExportsOfModule(module)
    .map((symbol) => {
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return {
        name: symbol.getName(),
        kind: target.flags & ts.SymbolFlags.Value ? ('value' as const) : ('type' as const),
        declarations: target.getDeclarations() ?? [],
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether a declaration's JSDoc carries `@publicApi`. */
function isTaggedPublic(declaration: ts.Declaration): boolean {
  const holder = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  return ts.getJSDocTags(holder).some((tag) => tag.tagName.text === 'publicApi');
}

const listed = (entry: string) =>
  exportsOf(entry).map(({ name, kind }) => (kind === 'value' ? name : `type ${name}`));

describe('the public API', () => {
  it('of the package root is what this list says', () => {
    expect(listed(ENTRIES['nestjs-hybrid-flags'])).toEqual(
      [
        'bodySha256',
        'type ChangeDecision',
        'type ChangeNotifications',
        'type ChangeRecord',
        'type CodeReference',
        'type ContextOptions',
        'type DailyUsage',
        'DEFAULT_STALE_AFTER_DAYS',
        'type Delivery',
        'DeliveryLedger',
        'type DeliveryRecord',
        'evaluate',
        'evaluateAll',
        'evaluateFlag',
        'type EvaluationContext',
        'type EvaluationErrorCode',
        'type EvaluationResult',
        'type EventOptions',
        'type ExpiredFlag',
        'expiredFlags',
        'FeatureFlag',
        'FeatureFlagGuard',
        'type FeatureFlagOptions',
        'type FeatureFlagRequirement',
        'FLAG_ENTITIES',
        'FLAG_EVALUATION_EVENT',
        'FLAG_MIGRATIONS',
        'type FlagEvaluationEvent',
        'type FlagLifecycle',
        'type FlagMetadata',
        'FlagSet',
        'flagSetChecksum',
        'type FlagSetChange',
        'type FlagSetDocument',
        'type FlagsBinding',
        'FlagsConfigurationError',
        'FlagService',
        'FlagsHealthIndicator',
        'type FlagsHealth',
        'FlagsModule',
        'type FlagsModuleExtras',
        'type FlagsModuleOptions',
        'type FlagsSource',
        'type FlagsStatus',
        'FlagStore',
        'FlagTablesMissingError',
        'type FlagType',
        'type FlagUsage',
        'FlagValue',
        'type FlagValueType',
        'getBoolean',
        'getNumber',
        'getObject',
        'getString',
        'InMemoryFlagStore',
        'InvalidChangeError',
        'type JsonObject',
        'type JsonValue',
        'LAUNCHED_AFTER_DAYS',
        'type LifecycleProblem',
        'type MetricsOptions',
        'type OfrepFlag',
        'type OfrepOptions',
        'parseFlagSet',
        'type PatchDelivery',
        'type ParseOptions',
        'type ParseResult',
        'readFlagLifecycle',
        'type RedisClient',
        'type RedisSyncOptions',
        'type ResolutionReason',
        'type ServedFlags',
        'type ServedFlagsChange',
        'type ServedFlagsSource',
        'SIGNED_MEDIA_TYPE',
        'type SnapshotDelivery',
        'STALE_REASON_CODES',
        'type StaleFlag',
        'staleFlags',
        'type StaleReason',
        'type StaleReasonCode',
        'type StoredDefinition',
        'type StoredFlagSet',
        'type StoreOptions',
        'type StoreState',
        'StoreUnreachableError',
        'type SyncOptions',
        'type TelemetryOptions',
        'TypeOrmFlagStore',
        'type UsageCount',
        'type UsageOptions',
        'type UsageReport',
        'UsageStore',
        'type ValidationError',
        'type VariantCounts',
        'type WebhookAlgorithm',
        'type WebhookKeyOptions',
        'type WebhookOptions',
      ].sort((a, b) => a.replace('type ', '').localeCompare(b.replace('type ', ''))),
    );
  });

  it('of the subpaths is what this list says', () => {
    expect(listed(ENTRIES['nestjs-hybrid-flags/openfeature'])).toEqual(['HybridFlagsProvider']);
    expect(listed(ENTRIES['nestjs-hybrid-flags/testing'])).toEqual([
      'FlagsTestingModule',
      'type FlagsTestingOptions',
      'TestingFlags',
      'type TestingFlagValue',
    ]);
  });

  it('lets `FlagValue` be imported as the decorator and as the type of a value', () => {
    const root = exportsOf(ENTRIES['nestjs-hybrid-flags']).find(({ name }) => name === 'FlagValue');
    const alias = program
      .getSourceFile(join(ROOT, 'lib/core/flag-value.decorator.ts'))
      ?.statements.filter(ts.isTypeAliasDeclaration)
      .map((statement) => statement.name.text);
    expect(root?.kind).toBe('value');
    expect(alias).toContain('FlagValue');
  });

  it('tags every export @publicApi, and exports everything tagged so', () => {
    const exported = new Set<ts.Declaration>();
    const untagged: string[] = [];
    for (const entry of Object.values(ENTRIES)) {
      for (const { name, declarations } of exportsOf(entry)) {
        for (const declaration of declarations) {
          exported.add(declaration);
          // `type FlagValue = Value` exports what it names.
          if (ts.isTypeAliasDeclaration(declaration) && ts.isTypeReferenceNode(declaration.type)) {
            const named = checker.getSymbolAtLocation(declaration.type.typeName);
            const target =
              named && named.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(named) : named;
            for (const aliased of target?.getDeclarations() ?? []) exported.add(aliased);
          }
        }
        if (!declarations.some(isTaggedPublic)) untagged.push(`${entry}: ${name}`);
      }
    }
    const unexported: string[] = [];
    for (const source of program.getSourceFiles()) {
      if (!source.fileName.startsWith(join(ROOT, 'lib')) || source.fileName.endsWith('.spec.ts'))
        continue;
      const visit = (node: ts.Node): void => {
        if (
          (ts.isClassDeclaration(node) ||
            ts.isInterfaceDeclaration(node) ||
            ts.isTypeAliasDeclaration(node) ||
            ts.isFunctionDeclaration(node) ||
            ts.isVariableDeclaration(node)) &&
          isTaggedPublic(node) &&
          !exported.has(node)
        ) {
          unexported.push(`${relative(ROOT, source.fileName)}: ${node.name?.getText()}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(untagged).toEqual([]);
    expect(unexported).toEqual([]);
  });
});
