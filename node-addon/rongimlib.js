'use strict';
// The seed's JavaScript API (`RongIMLib`, v2-compatible) over the addon: `require('imcore/rongimlib')`.
// Implementation: rongimlib/ (client.js, messages.js, enums.js).
module.exports = require('./rongimlib/client').createNamespace();
