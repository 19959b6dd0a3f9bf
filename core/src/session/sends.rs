//! Sends and their acknowledgements: a send waits under its request id until the server
//! acknowledges it; a persisted message is then stored SENT (before the next frame is read, so
//! that the server's echo of it is recognised) and the sender answered with it.

use super::jobs::Job;
use super::machine::{Action, Actions, Machine};
use crate::error::{ImError, ImResult};
use crate::message::Message;
use crate::store::{IncomingMessage, OutgoingMessage};
use improto::{Body, InboxMessage, SendAck};
use tokio::sync::oneshot;

/// Idempotency keys of unpersisted messages sent from here that are remembered, to recognise
/// their echo.
const RECENT_TRANSIENT: usize = 256;

/// A send waiting for its acknowledgement.
pub(super) struct PendingSend {
    outgoing: Box<OutgoingMessage>,
    persisted: bool,
    reply: oneshot::Sender<ImResult<Message>>,
}

impl Machine {
    /// Sends `send` (a fresh request id) and waits for its acknowledgement.
    pub(super) fn on_send(
        &mut self,
        mut send: improto::Send,
        outgoing: Box<OutgoingMessage>,
        persisted: bool,
        reply: oneshot::Sender<ImResult<Message>>,
    ) -> Actions {
        send.request_id = self.next_request_id();
        let pending = PendingSend {
            outgoing,
            persisted,
            reply,
        };
        self.sends.insert(send.request_id, pending);
        vec![Action::Write(Body::Send(send))]
    }

    /// The server's acknowledgement of a send: the refusal, the unpersisted message as sent,
    /// or the message to store first.
    pub(super) fn on_send_ack(&mut self, ack: SendAck) -> Actions {
        let Some(pending) = self.sends.remove(&ack.request_id) else {
            return Vec::new();
        };
        let action = if ack.code != 0 {
            let refused = ImError::new(ack.code, "the server refused the message");
            Action::AnswerSend(pending.reply, Err(refused))
        } else if !pending.persisted {
            if self.recent_transient.len() == RECENT_TRANSIENT {
                self.recent_transient.pop_front();
            }
            self.recent_transient
                .push_back(pending.outgoing.client_message_id.clone());
            let sent = transient_message(&pending.outgoing, &ack);
            Action::AnswerSend(pending.reply, Ok(sent))
        } else {
            Action::Run(Job::Sent {
                outgoing: pending.outgoing,
                uid: ack.message_uid,
                sent_time: ack.sent_time,
                reply: pending.reply,
            })
        };
        vec![action]
    }

    /// Whether an inbox entry is the server's echo of an unpersisted message sent from here.
    pub(super) fn is_own_transient(&self, m: &InboxMessage) -> bool {
        !m.persisted && self.recent_transient.contains(&m.client_message_id)
    }
}

/// The message a sender gets for an acknowledged unpersisted send (not stored, id 0).
fn transient_message(m: &OutgoingMessage, ack: &SendAck) -> Message {
    let sent = IncomingMessage {
        message_uid: ack.message_uid.clone(),
        conversation_type: m.conversation_type,
        target_id: m.target_id.clone(),
        sender_user_id: m.sender_user_id.clone(),
        object_name: m.object_name.clone(),
        content: m.content.clone(),
        sent_time: ack.sent_time,
        persisted: false,
        counted: false,
        client_message_id: m.client_message_id.clone(),
        options: m.sending.options.clone(),
    };
    let mut message = sent.to_message(0, true, 0);
    message.is_mentioned = m.sending.mentioned;
    message.is_status_message = m.sending.is_status;
    message
}

#[cfg(test)]
mod tests {
    use super::super::jobs::Done;
    use super::super::machine::tests::machine;
    use super::*;
    use crate::enums::ConversationType;

    fn outgoing(key: &str) -> Box<OutgoingMessage> {
        Box::new(OutgoingMessage {
            conversation_type: ConversationType::Private,
            target_id: "ann".into(),
            sender_user_id: "me".into(),
            object_name: "RC:TypSts".into(),
            content: "{}".into(),
            client_message_id: key.into(),
            local_time: 1,
            sending: Default::default(),
        })
    }

    /// Sends `key` and returns its request id and the receiver of its answer.
    fn send(
        m: &mut Machine,
        key: &str,
        persisted: bool,
    ) -> (u64, oneshot::Receiver<ImResult<Message>>) {
        let (reply, answer) = oneshot::channel();
        let actions = m.on_send(improto::Send::default(), outgoing(key), persisted, reply);
        let [Action::Write(Body::Send(sent))] = actions.as_slice() else {
            panic!("a send is written at once");
        };
        (sent.request_id, answer)
    }

    fn ack(request_id: u64, code: i32) -> SendAck {
        SendAck {
            request_id,
            code,
            message_uid: "U1".into(),
            sent_time: 42,
        }
    }

    #[test]
    fn an_unpersisted_send_is_answered_at_once_and_its_echo_recognised() {
        let mut m = machine(0, 0);
        let (id, _) = send(&mut m, "k1", false);
        let actions = m.on_send_ack(ack(id, 0));
        let [Action::AnswerSend(_, Ok(sent))] = actions.as_slice() else {
            panic!("answered without storing");
        };
        assert_eq!(
            (sent.message_id, sent.sent_time, sent.message_uid.as_str()),
            (0, 42, "U1")
        );
        let echo = InboxMessage {
            client_message_id: "k1".into(),
            ..Default::default()
        };
        assert!(m.is_own_transient(&echo));
        assert!(m.on_send_ack(ack(id, 0)).is_empty(), "answered once");
    }

    #[test]
    fn a_persisted_send_is_stored_before_its_answer() {
        let mut m = machine(0, 0);
        let (id, _) = send(&mut m, "k1", true);
        let actions = m.on_send_ack(ack(id, 0));
        let [
            Action::Run(Job::Sent {
                uid, sent_time: 42, ..
            }),
        ] = actions.as_slice()
        else {
            panic!("stored first");
        };
        assert_eq!(uid, "U1");
        let Some(Action::Run(Job::Sent { reply, .. })) = actions.into_iter().next() else {
            unreachable!()
        };
        let stored = Err(ImError::invalid("stands for the stored message"));
        let answered = m.on_done(Done::Sent { reply, stored });
        assert!(matches!(
            answered.as_slice(),
            [Action::AnswerSend(_, Err(_))]
        ));
    }

    #[test]
    fn a_refused_send_is_answered_with_the_servers_code() {
        let mut m = machine(0, 0);
        let (id, _) = send(&mut m, "k1", true);
        let actions = m.on_send_ack(ack(id, 20604));
        assert!(matches!(
            actions.as_slice(),
            [Action::AnswerSend(_, Err(e))] if e.code == 20604
        ));
    }
}
