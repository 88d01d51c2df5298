/*
 * The panel page's script, plain ES2017 for any current browser, with no framework and no
 * build step. Every value shown is set as text (never as HTML), so a flag key or a metadata
 * value cannot inject markup. Kept without template literals so that it can live in this string.
 */
import { PANEL_RULES_SCRIPT } from './panel-rules-script';

/** @internal */
export const PANEL_SCRIPT = String.raw`
(function () {
  'use strict';
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  var overview = null;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (name === 'text') node.textContent = value;
      else if (name.indexOf('on') === 0) node.addEventListener(name.slice(2), value);
      else if (value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: { 'x-panel-token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, body: json }; });
    });
  }

  function say(message, problem) {
    var box = $('message');
    box.textContent = message;
    box.className = problem ? 'problem' : 'done';
  }

  function refusal(answer) {
    var details = (answer.body.details || []).join('; ');
    return (answer.body.error || 'HTTP ' + answer.status) + (details ? ': ' + details : '');
  }

  function clone(value) { return JSON.parse(JSON.stringify(value)); }

  function app() { return overview.app; }
  function file() { return overview.file && overview.file.document ? overview.file : null; }
  function stored() { return app().reachable && app().definitions ? app().definitions : null; }
  function editable() {
    if (file()) return file().document;
    return stored() || { flags: {}, $evaluators: {} };
  }
  function baseRevision() { return stored() ? stored().revision : 0; }

  function load() {
    return api('GET', '/api/overview').then(function (answer) {
      if (answer.status !== 200) { say('The panel cannot read: ' + refusal(answer), true); return; }
      overview = answer.body;
      render();
    }, function () { say('The panel does not answer; is hybrid-flags ui still running?', true); });
  }

  function change(flags, done) {
    return api('POST', '/api/change', { baseRevision: baseRevision(), flags: flags }).then(function (answer) {
      if (answer.status === 200 && answer.body.pushed) say(done + ' (revision ' + answer.body.revision + ').');
      else if (answer.status === 200) say(done + ' in the file only: the application did not answer. Push when it is back.', true);
      else if (answer.status === 409 && answer.body.error === 'conflict') {
        var moves = (answer.body.moves || []).map(function (move) {
          return (move.actor || 'someone') + ' (' + move.kind + ' ' + move.key + ', revision ' + move.revision + ')';
        });
        say('The flags changed since this page was loaded' + (moves.length ? ', by ' + moves.join(', ') : '') + '. Reloaded: check, then try again.', true);
      } else say('Not changed: ' + refusal(answer), true);
      return load();
    });
  }

  ${PANEL_RULES_SCRIPT}
  function flagCard(key, definition) {
    var enabled = definition.state === 'ENABLED';
    var card = el('li', { class: 'flag', id: 'flag-' + key }, [el('h3', { text: key })]);
    card.appendChild(el('button', {
      type: 'button', role: 'switch', 'aria-checked': String(enabled), 'aria-label': key + ' enabled',
      class: 'switch', text: enabled ? 'On' : 'Off',
      onclick: function () {
        if (!confirm('Turn ' + key + (enabled ? ' off' : ' on') + '?')) return;
        var next = clone(definition);
        next.state = enabled ? 'DISABLED' : 'ENABLED';
        change(wrap(key, next), key + ' turned ' + (enabled ? 'off' : 'on'));
      }
    }));
    var variants = Object.keys(definition.variants || {});
    var select = el('select', { 'aria-label': key + ' default variant' }, variants.map(function (variant) {
      return el('option', { value: variant, text: variant, selected: variant === definition.defaultVariant });
    }));
    card.appendChild(el('p', {}, [el('label', { text: 'Default variant ' }, [select]), el('button', {
      type: 'button', text: 'Save default',
      onclick: function () {
        var next = clone(definition);
        next.defaultVariant = select.value;
        change(wrap(key, next), key + ' serves ' + select.value + ' by default');
      }
    })]));
    card.appendChild(el('dl', { class: 'variants' }, [].concat.apply([], variants.map(function (variant) {
      return [el('dt', { text: variant }), el('dd', { text: JSON.stringify(definition.variants[variant]) })];
    }))));
    if (definition.targeting && Object.keys(definition.targeting).length > 0) {
      card.appendChild(el('ul', { class: 'rules', 'aria-label': key + ' targeting' }, ruleLines(definition.targeting).map(function (line) {
        return el('li', { text: line });
      })));
    }
    fractionals(definition.targeting, []).forEach(function (args, index) {
      card.appendChild(rollout(key, definition, index, fractionParts(args)));
    });
    var metadata = definition.metadata || {};
    if (Object.keys(metadata).length > 0) {
      card.appendChild(el('p', { class: 'metadata', text: Object.keys(metadata).map(function (name) { return name + ': ' + metadata[name]; }).join(' · ') }));
    }
    card.appendChild(usageOf(key));
    card.appendChild(el('button', {
      type: 'button', class: 'delete', text: 'Delete ' + key,
      onclick: function () { if (confirm('Delete ' + key + '? Code that reads it gets its default.')) change(wrap(key, null), key + ' deleted'); }
    }));
    return card;
  }

  function rollout(key, definition, index, parts) {
    var inputs = parts.map(function (part) {
      return el('input', { type: 'number', min: '0', max: '100', step: '1', value: String(Math.round(part.percent)), 'aria-label': key + ' rollout ' + part.variant + ' percent' });
    });
    var box = el('div', { class: 'rollout' }, [el('div', { class: 'bars', 'aria-hidden': 'true' }, parts.map(function (part) {
      var bar = el('span', { text: part.variant + ' ' + part.percent + '%' });
      bar.style.width = Math.max(part.percent, 4) + '%';
      return bar;
    }))]);
    parts.forEach(function (part, position) {
      box.appendChild(el('label', { text: part.variant + ' ' }, [inputs[position], document.createTextNode('%')]));
    });
    box.appendChild(el('button', {
      type: 'button', text: 'Save rollout',
      onclick: function () {
        var weights = inputs.map(function (input) { return Number(input.value); });
        var total = weights.reduce(function (sum, weight) { return sum + weight; }, 0);
        if (total !== 100 || weights.some(function (weight) { return !(weight >= 0); })) { say('The percentages must add up to 100 (they add up to ' + total + ').', true); return; }
        var next = clone(definition);
        var pairs = fractionals(next.targeting, [])[index].filter(Array.isArray);
        pairs.forEach(function (pair, position) { pair[1] = weights[position]; });
        change(wrap(key, next), key + ' rollout saved');
      }
    }));
    return box;
  }

  function usageOf(key) {
    var report = app().reachable ? app().usage : null;
    var usage = report && report.flags.filter(function (flag) { return flag.key === key; })[0];
    var stale = (app().stale || []).filter(function (flag) { return flag.key === key; })[0];
    var box = el('div', { class: 'usage' });
    if (usage) {
      var sum = function (counts) { return Object.keys(counts || {}).reduce(function (total, variant) { return total + counts[variant]; }, 0); };
      var pending = sum(usage.unflushed);
      box.appendChild(el('p', { text: sum(usage.counts) + ' evaluations in ' + report.days + ' days' +
        (pending ? ' and ' + pending + ' not stored yet (stored every ' + Math.round(report.flushIntervalMs / 1000) + ' s)' : '') +
        (usage.lastEvaluatedAt ? ', last ' + usage.lastEvaluatedAt : '') }));
      var days = usage.daily || [];
      var most = Math.max.apply(null, [1].concat(days.map(function (day) { return Object.keys(day.counts).reduce(function (sum, v) { return sum + day.counts[v]; }, 0); })));
      box.appendChild(el('div', { class: 'chart', role: 'img', 'aria-label': key + ' evaluations per day' }, days.map(function (day) {
        var count = Object.keys(day.counts).reduce(function (sum, v) { return sum + day.counts[v]; }, 0);
        var bar = el('span', { title: day.day + ': ' + count });
        bar.style.height = Math.max(2, Math.round((count / most) * 30)) + 'px';
        return bar;
      })));
    }
    if (stale) {
      box.appendChild(el('ul', { class: 'stale', 'aria-label': key + ' clean-up' }, stale.reasons.map(function (reason) {
        return el('li', { text: reason.code + ': ' + reason.message });
      })));
    }
    return box;
  }

  function wrap(key, definition) { var flags = {}; flags[key] = definition; return flags; }

  function render() {
    var application = app();
    var local = file();
    var store = application.reachable ? application.state.store : null;
    var lines = [store
      ? 'Application: revision ' + store.revision + ', checksum ' + store.checksum
      : application.reachable
        ? 'Application: its database does not answer'
        : 'Application unreachable (' + application.error + '): the file stays editable'];
    if (overview.file && overview.file.problems) lines.push('File ' + overview.file.path + ' is invalid: ' + overview.file.problems.join('; '));
    var differs = Boolean(local && store && local.checksum !== store.checksum);
    if (local) lines.push('File ' + local.path + ': ' + (store ? (differs ? 'differs from the application' : 'the application serves it') : 'not compared'));
    $('status').textContent = lines.join(' · ');
    $('push').hidden = !differs;

    var document_ = editable();
    var list = $('flags');
    list.textContent = '';
    Object.keys(document_.flags).forEach(function (key) { list.appendChild(flagCard(key, document_.flags[key])); });
    // Flags the application holds and the file does not: shown, and taken into the file when changed.
    var held = stored() && local ? stored().flags : {};
    Object.keys(held).filter(function (key) { return !(key in document_.flags); }).forEach(function (key) {
      var card = flagCard(key, held[key]);
      card.insertBefore(el('p', { class: 'stale', text: 'In the application, not in the file.' }), card.children[1]);
      list.appendChild(card);
    });

    var evaluators = document_.$evaluators || {};
    $('evaluators').textContent = '';
    Object.keys(evaluators).forEach(function (name) {
      $('evaluators').appendChild(el('dt', { text: name }));
      $('evaluators').appendChild(el('dd', { text: text(evaluators[name]) }));
    });

    $('audit').textContent = '';
    (application.audit || []).forEach(function (entry) {
      $('audit').appendChild(el('li', { text: entry.at + ' · ' + (entry.actor || 'unknown') + ' · ' + entry.kind + ' ' + entry.key + ' · revision ' + entry.revision }));
    });
  }

  $('reload').addEventListener('click', function () { load().then(function () { say('Reloaded.'); }); });
  $('push').addEventListener('click', function () {
    api('POST', '/api/push').then(function (answer) {
      if (answer.status === 200) say(answer.body.pushed ? 'Pushed the file (revision ' + answer.body.revision + ').' : 'Nothing to push.');
      else say('Not pushed: ' + refusal(answer), true);
      return load();
    });
  });
  $('explain').addEventListener('submit', function (event) {
    event.preventDefault();
    var context;
    try { context = JSON.parse($('context').value || '{}'); } catch (error) { say('The context is not JSON: ' + error.message, true); return; }
    api('POST', '/api/evaluate', { context: context }).then(function (answer) {
      var table = $('explained');
      table.textContent = '';
      if (answer.status !== 200) { say('Cannot explain: ' + refusal(answer), true); return; }
      table.appendChild(el('tr', {}, ['flag', 'value', 'variant', 'reason'].map(function (name) { return el('th', { text: name, scope: 'col' }); })));
      Object.keys(answer.body.results).forEach(function (key) {
        var result = answer.body.results[key];
        table.appendChild(el('tr', { 'data-flag': key }, [
          el('th', { text: key, scope: 'row' }), el('td', { text: JSON.stringify(result.value) }),
          el('td', { text: result.variant || '' }), el('td', { text: result.reason + (result.errorCode ? ' (' + result.errorCode + ')' : '') })
        ]));
      });
      say('Explained at revision ' + answer.body.revision + '.');
    });
  });
  $('create').addEventListener('submit', function (event) {
    event.preventDefault();
    var key = $('new-key').value.trim();
    var variants;
    try { variants = JSON.parse($('new-variants').value); } catch (error) { say('The variants are not JSON: ' + error.message, true); return; }
    if (editable().flags[key]) { say(key + ' exists already.', true); return; }
    change(wrap(key, { state: 'ENABLED', variants: variants, defaultVariant: $('new-default').value.trim() }), key + ' created');
  });
  load();
})();
`;
