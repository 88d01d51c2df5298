'use strict';
// Where this package's build is: dist/lib (`npm run build`), or BENCH_OURS_DIST, the index.js of
// another build (e.g. to compare two versions of the engine). Every "ours" subject loads from it.

const path = require('path');

const INDEX = process.env.BENCH_OURS_DIST || path.resolve(__dirname, '../../dist/lib/index.js');

/** A module of the build, by its path below dist/lib (internal ones included). */
function oursModule(relative) {
  return require(path.join(path.dirname(INDEX), relative));
}

module.exports = { INDEX, oursModule };
