'use strict';
// Electron preload: the renderer's `window.im`, over main.js's IPC channels.
const { contextBridge, ipcRenderer } = require('electron');

contextBridge.exposeInMainWorld('im', {
  init: (appKey, options) => ipcRenderer.invoke('rongimlib:init', appKey, options),
  connect: (token) => ipcRenderer.invoke('rongimlib:connect', token),
  call: (method, args, callbackAt) => ipcRenderer.invoke('rongimlib:call', { method, args, callbackAt }),
  onMessage: (fn) => ipcRenderer.on('rongimlib:message', (_event, message) => fn(message)),
  onStatus: (fn) => ipcRenderer.on('rongimlib:status', (_event, status) => fn(status)),
});
