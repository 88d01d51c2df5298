/**
 * Turns flagd-testbed `.feature` files into a flat list of runnable scenarios.
 *
 * Parsing and Scenario Outline expansion are done by @cucumber/gherkin: `compile` yields one
 * "pickle" per scenario and per Examples row, with Background steps prepended, `<placeholders>`
 * substituted and the tags of the Feature, Rule, Scenario and Examples block all collected.
 * This file only adds back the readable bits a failure report needs (feature name, Examples row).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import type { Examples, FeatureChild, GherkinDocument, RuleChild } from '@cucumber/messages';

export interface ScenarioStep {
  keyword: string;
  text: string;
  /** Rows of a step's data table, cells as written (the first row is the header). */
  table?: string[][];
}

export interface TestbedScenario {
  /** The .feature file, relative to the testbed root, e.g. `gherkin/targeting.feature`. */
  file: string;
  feature: string;
  scenario: string;
  /** The Examples row this scenario was expanded from (header -> cell), if it is an outline. */
  example?: Record<string, string>;
  tags: string[];
  steps: ScenarioStep[];
}

/** Parses one feature file and returns every scenario, outlines expanded (nothing filtered). */
export function loadFeatureFile(path: string, displayName = basename(path)): TestbedScenario[] {
  const newId = IdGenerator.incrementing();
  const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
  const document = parser.parse(readFileSync(path, 'utf8'));
  const pickles = compile(document, displayName, newId);
  const rows = indexExampleRows(document);
  const keywords = indexStepKeywords(document);

  return pickles.map((pickle) => ({
    file: displayName,
    feature: document.feature?.name ?? displayName,
    scenario: pickle.name,
    // astNodeIds = [scenario id, example row id] for an outline row, [scenario id] otherwise
    example: pickle.astNodeIds.length > 1 ? rows.get(pickle.astNodeIds[1]) : undefined,
    tags: pickle.tags.map((tag) => tag.name),
    steps: pickle.steps.map((step) => ({
      keyword: keywords.get(step.astNodeIds[0]) ?? '',
      text: step.text,
      table: step.argument?.dataTable?.rows.map((row) => row.cells.map((cell) => cell.value)),
    })),
  }));
}

/** Maps every Examples body row id to { header: cell }. */
function indexExampleRows(document: GherkinDocument): Map<string, Record<string, string>> {
  const rows = new Map<string, Record<string, string>>();
  const addExamples = (examples: readonly Examples[]) => {
    for (const block of examples) {
      const header = block.tableHeader?.cells.map((cell) => cell.value) ?? [];
      for (const row of block.tableBody) {
        const values: Record<string, string> = {};
        row.cells.forEach((cell, i) => (values[header[i]] = cell.value));
        rows.set(row.id, values);
      }
    }
  };
  forEachChild(document, (child) => child.scenario && addExamples(child.scenario.examples));
  return rows;
}

/** Maps every step id to its keyword ("Given ", "And ", ...), for readable failure reports. */
function indexStepKeywords(document: GherkinDocument): Map<string, string> {
  const keywords = new Map<string, string>();
  forEachChild(document, (child) => {
    const steps = child.background?.steps ?? child.scenario?.steps ?? [];
    for (const step of steps) keywords.set(step.id, step.keyword);
  });
  return keywords;
}

function forEachChild(
  document: GherkinDocument,
  visit: (child: FeatureChild | RuleChild) => void,
): void {
  for (const child of document.feature?.children ?? []) {
    visit(child);
    for (const ruleChild of child.rule?.children ?? []) visit(ruleChild);
  }
}
