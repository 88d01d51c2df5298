/*
 * The part of the panel page's script that writes targeting as rules a person reads
 * (`if is-internal → "on"`) and finds the `fractional` rollouts the page draws as bars and edits.
 * Pure functions of a definition, with no page state; spliced into PANEL_SCRIPT's scope.
 */
/** @internal */
export const PANEL_RULES_SCRIPT = String.raw`
  function paren(node) {
    var shown = text(node);
    return node && typeof node === 'object' && !Array.isArray(node) && ('and' in node || 'or' in node) ? '(' + shown + ')' : shown;
  }
  function fractionParts(args) {
    var pairs = args.filter(Array.isArray);
    var total = pairs.reduce(function (sum, pair) { return sum + (pair.length > 1 ? Number(pair[1]) : 1); }, 0) || 1;
    return pairs.map(function (pair) {
      return { variant: String(pair[0]), weight: pair.length > 1 ? Number(pair[1]) : 1, percent: Math.round(((pair.length > 1 ? Number(pair[1]) : 1) / total) * 1000) / 10 };
    });
  }
  function text(node) {
    if (node === null || typeof node !== 'object') return JSON.stringify(node);
    if (Array.isArray(node)) return '[' + node.map(text).join(', ') + ']';
    var op = Object.keys(node)[0];
    var args = Array.isArray(node[op]) ? node[op] : [node[op]];
    switch (op) {
      case 'var': return String(args[0]);
      case '$ref': return String(args[0]);
      case '==': case '===': return text(args[0]) + ' = ' + text(args[1]);
      case '!=': case '!==': return text(args[0]) + ' is not ' + text(args[1]);
      case '<': case '<=': case '>': case '>=': return args.map(text).join(' ' + op + ' ');
      case 'in': return text(args[0]) + ' in ' + text(args[1]);
      case 'and': return args.map(paren).join(' and ');
      case 'or': return args.map(paren).join(' or ');
      case '!': return 'not ' + paren(args[0]);
      case 'starts_with': return text(args[0]) + ' starts with ' + text(args[1]);
      case 'ends_with': return text(args[0]) + ' ends with ' + text(args[1]);
      case 'sem_ver': return text(args[0]) + ' ' + args[1] + ' ' + text(args[2]) + ' (semver)';
      case 'fractional': return 'rollout: ' + fractionParts(args).map(function (part) { return part.variant + ' ' + part.percent + '%'; }).join(', ');
      case 'if': return ruleLines(node).join('; ');
      default: return JSON.stringify(node);
    }
  }
  function ruleLines(targeting) {
    if (!targeting || typeof targeting !== 'object' || !('if' in targeting)) return ['serve ' + text(targeting)];
    var args = targeting['if'];
    var lines = [];
    for (var i = 0; i + 1 < args.length; i += 2) {
      lines.push((i === 0 ? 'if ' : 'else if ') + text(args[i]) + ' → ' + text(args[i + 1]));
    }
    if (args.length % 2 === 1) lines.push('otherwise → ' + text(args[args.length - 1]));
    return lines;
  }
  function fractionals(node, found) {
    if (!node || typeof node !== 'object') return found;
    if (Array.isArray(node)) { node.forEach(function (item) { fractionals(item, found); }); return found; }
    Object.keys(node).forEach(function (key) {
      if (key === 'fractional' && Array.isArray(node[key])) found.push(node[key]);
      fractionals(node[key], found);
    });
    return found;
  }
`;
