'use strict';
// The seed's enums (seed-api.md §6) with the seed's numbers.
const freeze = Object.freeze;

module.exports = freeze({
  ConversationType: freeze({ NONE: 0, PRIVATE: 1, DISCUSSION: 2, GROUP: 3, CHATROOM: 4,
    CUSTOMER_SERVICE: 5, SYSTEM: 6, APP_PUBLIC_SERVICE: 7, PUBLIC_SERVICE: 8 }),
  ConnectionStatus: freeze({ CONNECTED: 0, CONNECTING: 1, DISCONNECTED: 2, NETWORK_UNAVAILABLE: 3,
    CONNECTION_CLOSED: 4, KICKED_OFFLINE_BY_OTHER_CLIENT: 6, WEBSOCKET_UNAVAILABLE: 7,
    WEBSOCKET_ERROR: 8, DOMAIN_INCORRECT: 12, APPKEY_IS_FAKE: 20, ULTRALIMIT: 1101,
    REQUEST_NAVI: 201, RESPONSE_NAVI: 202, RESPONSE_NAVI_ERROR: 203, RESPONSE_NAVI_TIMEOUT: 204 }),
  RCConnectionStatus: freeze({ CONNECTED: 0, CONNECTING: 1, DISCONNECTED: 2, SUSPENDED: 3 }),
  MessageDirection: freeze({ SEND: 1, RECEIVE: 2 }),
  SentStatus: freeze({ SENDING: 10, FAILED: 20, SENT: 30, RECEIVED: 40, READ: 50, DESTROYED: 60 }),
  ReceivedStatus: freeze({ UNREAD: 0, READ: 1, LISTENED: 2, DOWNLOADED: 4, RETRIEVED: 8, MULTIPLERECEIVE: 16 }),
  MentionedType: freeze({ ALL: 1, PART: 2 }),
  GetChatRoomType: freeze({ NONE: 0, SQQUENCE: 1, REVERSE: 2 }),
  FileType: freeze({ IMAGE: 1, AUDIO: 2, VIDEO: 3, FILE: 4 }),
  LogLevel: freeze({ DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, NONE: 1000 }),
});
