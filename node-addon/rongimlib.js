'use strict';
// The seed's JavaScript API (`RongIMLib`, v2-compatible) over the addon: `require('imcore/rongimlib')`.
// `init` options it leaves out come from RONGIMLIB_NAVI and RONGIMLIB_DB_PATH (a deployment's
// navigation server and the desktop database directory). Implementation: rongimlib/.
const env = globalThis.process?.env ?? {};
const defaults = Object.fromEntries(Object.entries({ navi: env.RONGIMLIB_NAVI, dbPath: env.RONGIMLIB_DB_PATH })
  .filter(([, v]) => v));
module.exports = require('./rongimlib/client').createNamespace(defaults);
