'use strict';
// Turns the collected results into the console report and the Markdown tables for README.md.

const { SCENARIOS } = require('./workload');
const { runs } = require('./subjects');

/**
 * speedup: ours (every way in) over the fastest peer; bytesPerFlag: heap a loaded flag set keeps;
 * loadMs: the strict `parseFlagSet` load; storeLoadRatio: the load from store rows over
 * GrowthBook's, first in a fresh process and as the median of repeated loads.
 */
const TARGETS = { speedup: 5, bytesPerFlag: 350, loadMs: 35, storeLoadRatio: 1.5 };

/** The subjects measured in a kind of job, in table order. */
function measured(results, mode) {
  return results.subjects.filter((s) => runs(s, mode));
}

function fmtNs(ns) {
  if (ns == null) return 'n/a';
  return ns < 100 ? ns.toFixed(1) : Math.round(ns).toLocaleString('en-US');
}

function fmtMs(ms) {
  return ms == null ? 'n/a' : ms < 100 ? ms.toFixed(1) : Math.round(ms).toLocaleString('en-US');
}

function fmtRatio(peer, ours) {
  if (peer == null || ours == null) return '';
  const r = peer / ours;
  return r >= 1 ? `${r.toFixed(1)}x slower` : `${(1 / r).toFixed(1)}x faster`;
}

function labelOf(results, id) {
  const s = results.subjects.find((x) => x.id === id);
  const pkg = s.packages[0];
  return pkg ? `${s.label} ${results.environment.packages[pkg]}` : s.label;
}

/** The fastest peer for a scenario, and how many times slower it is than `ours` (or a variant). */
function fastestPeer(results, scenario, ours = 'ours') {
  const row = results.eval[scenario] || {};
  let best = null;
  for (const s of results.subjects) {
    if (s.ours || !row[s.id]) continue;
    if (!best || row[s.id].nsPerOp < row[best].nsPerOp) best = s.id;
  }
  if (!best || !row[ours]) return null;
  return { id: best, ratio: row[best].nsPerOp / row[ours].nsPerOp };
}

/** True when a result's measurements still disagreed beyond the limit after every attempt. */
function noisy(results, mode, r) {
  const limit = results.settings.spreadLimit && results.settings.spreadLimit[mode];
  return limit != null && r.spread != null && r.spread > limit;
}

function met(ok) {
  return ok ? 'met' : 'MISSED';
}

function targetLines(results) {
  const lines = [];
  for (const variant of measured(results, 'eval').filter((s) => s.ours)) {
    for (const id of Object.keys(SCENARIOS)) {
      const f = fastestPeer(results, id, variant.id);
      if (!f) continue;
      const who = variant.id === 'ours' ? 'ours' : `ours ${variant.label}`;
      lines.push(
        `${id}: ${who} vs fastest peer (${labelOf(results, f.id)}): ${f.ratio.toFixed(1)}x ` +
          `(target >= ${TARGETS.speedup}x: ${met(f.ratio >= TARGETS.speedup)})`,
      );
    }
  }
  const m = results.memory.ours;
  if (m) {
    lines.push(
      `retained heap: ${Math.round(m.bytesPerFlag)} B/flag ` +
        `(target <= ${TARGETS.bytesPerFlag}: ${met(m.bytesPerFlag <= TARGETS.bytesPerFlag)}); ` +
        `after evaluating every flag once: ${Math.round(m.bytesPerFlagAfterEval)} B/flag ` +
        `(${met(m.bytesPerFlagAfterEval <= TARGETS.bytesPerFlag)})`,
    );
    lines.push(
      `load of ${m.flags.toLocaleString('en-US')} flags: ${fmtMs(m.loadMs)} ms ` +
        `(target <= ${TARGETS.loadMs} ms: ${met(m.loadMs <= TARGETS.loadMs)})`,
    );
  }
  const store = results.memory['ours-store'];
  const gb = results.memory.growthbook;
  if (store && gb) {
    const cold = store.coldLoadMs / gb.coldLoadMs;
    const warm = store.loadMs / gb.loadMs;
    const limit = TARGETS.storeLoadRatio;
    lines.push(
      `load from store rows (flagSetFromStore) vs GrowthBook, first in a fresh process: ` +
        `${fmtMs(store.coldLoadMs)} vs ${fmtMs(gb.coldLoadMs)} ms, ${cold.toFixed(2)}x ` +
        `(target <= ${limit}x: ${met(cold <= limit)}); median of ${results.settings.loads}: ` +
        `${fmtMs(store.loadMs)} vs ${fmtMs(gb.loadMs)} ms, ${warm.toFixed(2)}x ` +
        `(target <= ${limit}x: ${met(warm <= limit)})`,
    );
    lines.push(
      `retained heap, loaded from store rows: ${Math.round(store.bytesPerFlag)} B/flag ` +
        `(target <= ${TARGETS.bytesPerFlag}: ${met(store.bytesPerFlag <= TARGETS.bytesPerFlag)}); ` +
        `the first evaluation of every flag then takes ${fmtMs(store.coldEvaluateMs)} ms ` +
        `(GrowthBook: ${fmtMs(gb.coldEvaluateMs)} ms)`,
    );
  }
  return lines;
}

function text(results) {
  const out = [];
  const w = Math.max(...results.subjects.map((s) => labelOf(results, s.id).length)) + 2;
  for (const [id, sc] of Object.entries(SCENARIOS)) {
    const row = results.eval[id];
    if (!row) continue;
    out.push(`\nScenario ${id}: ${sc.title}`);
    for (const s of measured(results, 'eval')) {
      const r = row[s.id];
      const label = labelOf(results, s.id).padEnd(w);
      if (!r) {
        out.push(`  ${label}${'FAILED'.padStart(10)}`);
        continue;
      }
      const ratio = s.ours ? '' : fmtRatio(r.nsPerOp, row.ours && row.ours.nsPerOp);
      const spread = `[${fmtNs(Math.min(...r.roundsNsPerOp))}-${fmtNs(Math.max(...r.roundsNsPerOp))}]`;
      const flag = noisy(results, 'eval', r) ? '  (noisy: re-run on a quiet machine)' : '';
      out.push(
        `  ${label}${fmtNs(r.nsPerOp).padStart(10)} ns/op  ${spread.padEnd(16)}${ratio.padEnd(14)}${flag}`,
      );
    }
  }
  if (Object.keys(results.memory).length) {
    out.push(
      `\nLoad and retained heap, ${results.settings.bulkFlags.toLocaleString('en-US')} distinct type-B flags`,
    );
    out.push(
      `  ${'subject'.padEnd(w)}${'load ms'.padStart(10)}${'cold ms'.padStart(10)}${'eval all'.padStart(10)}${'B/flag'.padStart(10)}${'B/flag evaluated'.padStart(18)}`,
    );
    for (const s of measured(results, 'memory')) {
      const m = results.memory[s.id];
      const label = labelOf(results, s.id).padEnd(w);
      if (!m) {
        out.push(`  ${label}${'FAILED'.padStart(10)}`);
        continue;
      }
      out.push(
        `  ${label}${fmtMs(m.loadMs).padStart(10)}${fmtMs(m.coldLoadMs).padStart(10)}` +
          `${fmtMs(m.coldEvaluateMs).padStart(10)}` +
          `${String(Math.round(m.bytesPerFlag)).padStart(10)}${String(Math.round(m.bytesPerFlagAfterEval)).padStart(18)}`,
      );
    }
  }
  out.push('\nTargets (reported, not asserted):');
  for (const l of targetLines(results)) out.push(`  ${l}`);
  for (const f of results.failures) out.push(`\nFAILED ${f.subject} ${f.job}: ${f.error}`);
  return out.map((line) => line.trimEnd()).join('\n');
}

function markdown(results) {
  const env = results.environment;
  const st = results.settings;
  const subjects = results.subjects;
  const out = [];
  out.push(
    `Measured ${results.generatedAt.slice(0, 10)} with Node ${env.node} (V8 ${env.v8}) on ${env.platform}, ` +
      `${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB; ${st.rounds} rounds of ~${st.roundMs} ms ` +
      `after ${st.warmupMs} ms warm-up, median ns per evaluation; ${st.users.toLocaleString('en-US')} users.`,
  );
  out.push('');
  out.push('| Package | Version |');
  out.push('| --- | --- |');
  for (const [name, v] of Object.entries(env.packages)) out.push(`| \`${name}\` | ${v} |`);
  out.push('');
  const timed = measured(results, 'eval');
  out.push(`| Scenario | ${timed.map((s) => s.label).join(' | ')} | Fastest peer vs ours |`);
  out.push(`| --- | ${timed.map(() => '---:').join(' | ')} | --- |`);
  for (const [id, sc] of Object.entries(SCENARIOS)) {
    const row = results.eval[id];
    if (!row) continue;
    const cells = timed.map((s) => {
      const r = row[s.id];
      if (!r) return 'failed';
      const mark = noisy(results, 'eval', r) ? ' †' : '';
      if (s.ours) return `**${fmtNs(r.nsPerOp)} ns**${mark}`;
      return `${fmtNs(r.nsPerOp)} ns (${fmtRatio(r.nsPerOp, row.ours && row.ours.nsPerOp)})${mark}`;
    });
    const f = fastestPeer(results, id);
    const verdict = f ? `${subjects.find((s) => s.id === f.id).label}: ${f.ratio.toFixed(1)}x` : '';
    out.push(`| ${id}: ${sc.title} | ${cells.join(' | ')} | ${verdict} |`);
  }
  if (Object.keys(results.memory).length) {
    out.push('');
    out.push(
      `| ${st.bulkFlags.toLocaleString('en-US')} type-B flags | JSON loaded | Load (median of ${st.loads}) | First load in process | Then evaluating every flag once | Retained heap per flag | Retained after evaluating every flag once |`,
    );
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const s of measured(results, 'memory')) {
      const m = results.memory[s.id];
      if (!m) {
        out.push(`| ${s.label} | | failed | | | | |`);
        continue;
      }
      const b = (x) => `${Math.round(x).toLocaleString('en-US')} B`;
      const name = s.ours ? `**${s.label}**` : s.label;
      out.push(
        `| ${name} | ${(m.jsonBytes / 2 ** 20).toFixed(1)} MiB | ${fmtMs(m.loadMs)} ms | ${fmtMs(m.coldLoadMs)} ms | ${fmtMs(m.coldEvaluateMs)} ms | ${b(m.bytesPerFlag)} | ${b(m.bytesPerFlagAfterEval)} |`,
      );
    }
  }
  const anyNoisy = Object.values(results.eval).some((row) =>
    results.subjects.some((s) => row[s.id] && noisy(results, 'eval', row[s.id])),
  );
  if (anyNoisy) {
    out.push('');
    out.push(
      `† the rounds of this result still differed by more than ${Math.round(results.settings.spreadLimit.eval * 100)}% ` +
        `of their median after ${results.settings.maxAttempts} attempts: the machine was busy, so it is less reliable.`,
    );
  }
  out.push('');
  out.push('Targets (reported, not asserted):');
  out.push('');
  for (const l of targetLines(results)) out.push(`- ${l}`);
  if (results.failures.length) {
    out.push('');
    for (const f of results.failures) out.push(`- FAILED: ${f.subject} ${f.job}`);
  }
  return out.join('\n');
}

module.exports = { text, markdown, TARGETS };
