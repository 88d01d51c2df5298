'use strict';
// Installed first in every child process: any attempt to open a socket or resolve a name fails
// at once and is recorded, so a subject that tries to reach a server is reported, not timed.

const net = require('net');
const dns = require('dns');

const attempts = [];

function blocked(what, detail) {
  attempts.push(`${what} ${detail}`);
  return new Error(`bench: network access blocked (${what} ${detail})`);
}

function install() {
  net.Socket.prototype.connect = function guardedConnect(...args) {
    let opts = args[0];
    if (Array.isArray(opts)) opts = opts[0]; // http/tls pass normalised [options, callback]
    const where =
      typeof opts === 'object' && opts
        ? opts.path || `${opts.host || opts.hostname}:${opts.port}`
        : `${args[1] || 'localhost'}:${args[0]}`;
    throw blocked('connect', where);
  };
  dns.lookup = function guardedLookup(host) {
    throw blocked('dns.lookup', host);
  };
  if (typeof globalThis.fetch === 'function') {
    globalThis.fetch = async (url) => {
      throw blocked('fetch', String(url));
    };
  }
}

module.exports = { install, attempts };
