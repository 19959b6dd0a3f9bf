'use strict';
// Message content classes (seed §4), `MessageTag`, `MentionedInfo`, and the Message and
// Conversation objects of §5 built from core's answers.
const { Code, failure } = require('./callbacks');

/** [class name, ObjectName] of every built-in type (core's table, protocol/src/message_types.rs). */
const BUILT_IN = [
  ['TextMessage', 'RC:TxtMsg'], ['ImageMessage', 'RC:ImgMsg'], ['GIFMessage', 'RC:GIFMsg'],
  ['VoiceMessage', 'RC:VcMsg'], ['HQVoiceMessage', 'RC:HQVCMsg'], ['RichContentMessage', 'RC:ImgTextMsg'],
  ['FileMessage', 'RC:FileMsg'], ['SightMessage', 'RC:SightMsg'], ['LocationMessage', 'RC:LBSMsg'],
  ['RCCombineMessage', 'RC:CombineMsg'], ['InformationNotificationMessage', 'RC:InfoNtf'],
  ['ContactNotificationMessage', 'RC:ContactNtf'], ['ProfileNotificationMessage', 'RC:ProfileNtf'],
  ['CommandNotificationMessage', 'RC:CmdNtf'], ['GroupNotificationMessage', 'RC:GrpNtf'],
  ['RecallCommandMessage', 'RC:RcCmd'], ['CommandMessage', 'RC:CmdMsg'],
  ['SyncReadStatusMessage', 'RC:SRSMsg'], ['ChrmKVNotificationMessage', 'RC:chrmKVNotiMsg'],
  ['TypingStatusMessage', 'RC:TypSts'], ['ReadReceiptRequestMessage', 'RC:RRReqMsg'],
  ['ReadReceiptResponseMessage', 'RC:RRRspMsg'], ['ReadReceiptMessage', 'RC:ReadNtf'],
];

/**
 * A content class: its instances' own fields are the content (the seed's `messageUid`
 * spelling becomes `messageUId`); `messageName` and `objectName` live on the prototype.
 */
function defineMessage(messageName, objectName) {
  const cls = { [messageName]: class {
    constructor(content) {
      Object.assign(this, content ?? {});
      if ('messageUid' in this && !('messageUId' in this)) {
        this.messageUId = this.messageUid;
        delete this.messageUid;
      }
    }
  } }[messageName];
  Object.defineProperties(cls.prototype, { messageName: { value: messageName }, objectName: { value: objectName } });
  Object.defineProperties(cls, { messageName: { value: messageName }, objectName: { value: objectName } });
  return cls;
}

/** The seed's `MessageTag(isCounted, isPersited)`. */
class MessageTag {
  constructor(isCounted, isPersited) {
    this.isCounted = Boolean(isCounted);
    this.isPersited = Boolean(isPersited);
  }

  /** 3 counted and stored, 2 counted, 1 stored, 0 neither (seed 2.x). */
  getMessageTag() {
    return (this.isCounted ? 2 : 0) + (this.isPersited ? 1 : 0);
  }
}

/** The seed's `MentionedInfo(type, userIdList, mentionedContent)`. */
class MentionedInfo {
  constructor(type, userIdList, mentionedContent) {
    if (type !== undefined) this.type = type;
    if (userIdList !== undefined) this.userIdList = userIdList;
    if (mentionedContent !== undefined) this.mentionedContent = mentionedContent;
  }
}

/** Class registry by ObjectName: the built-ins and each `registerMessageType`. */
class Registry {
  constructor() {
    this.classes = Object.fromEntries(BUILT_IN.map(([name, objectName]) => [name, defineMessage(name, objectName)]));
    this.byObjectName = new Map(Object.values(this.classes).map((c) => [c.objectName, c]));
    /** `RongIMClient.RegisterMessage`: the registered classes by name. */
    this.registered = {};
    /** `RongIMClient.MessageType`: every class name, built-in and registered. */
    this.types = Object.fromEntries(BUILT_IN.map(([name]) => [name, name]));
  }

  /** Defines `RegisterMessage[messageName]` for a registered custom type. */
  register(messageName, objectName) {
    const cls = defineMessage(messageName, objectName);
    this.registered[messageName] = cls;
    this.types[messageName] = messageName;
    this.byObjectName.set(objectName, cls);
  }

  /** The `{objectName, content}` core sends or stores for an instance of a message class. */
  content(msg) {
    if (msg === null || typeof msg !== 'object' || !this.byObjectName.has(msg.objectName) || Object.hasOwn(msg, 'objectName')) {
      throw failure(Code.INVALID, `the message must be an instance of a message class (new RongIMLib.TextMessage({content}) or a registered one)`);
    }
    return { objectName: msg.objectName, content: { ...msg } };
  }

  /** A Message (§5.1) from core's: `content` an instance of its class (plain when unknown). */
  message(m) {
    if (!m) return m;
    const cls = this.byObjectName.get(m.objectName);
    return { ...m, content: cls ? new cls(m.content) : m.content };
  }

  /** A Conversation (§5.2) from core's. */
  conversation(c) {
    return c && { ...c, latestMessage: c.latestMessage ? this.message(c.latestMessage) : null };
  }
}

module.exports = { Registry, MessageTag, MentionedInfo };
