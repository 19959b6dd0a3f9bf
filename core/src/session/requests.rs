//! Requests and their responses: each request waits under its id for the server's response,
//! which goes to the API call that asked or to the session's own sync step.

use super::machine::{Action, Actions, Machine};
use crate::enums::ConversationType;
use crate::store::conversations::PullMark;
use improto::{Body, Response};
use tokio::sync::oneshot;

/// Who waits for the response to a request.
pub(super) enum Waiting {
    /// An API call.
    Caller(oneshot::Sender<Response>),
    /// The session itself: the conversation list for an empty database, asked for once the
    /// offline pull had stored messages sent up to `pulled_through`.
    ConversationSync { pulled_through: PullMark },
    /// The session itself: a page of the conversation status changes made since this device
    /// last caught up.
    StatusSync,
    /// The session itself: the answer to a status changed here while offline.
    OwnStatus(ConversationType, String),
    /// The session itself: the page of group heads after this group id.
    GroupHeads(String),
    /// The session itself: a pull of this group (answered by a `Delivery`; a `Response`
    /// is a refusal).
    GroupPull(String),
}

impl Machine {
    /// Sends a request whose response `waiting` takes.
    pub(super) fn request(&mut self, body: improto::request::Body, waiting: Waiting) -> Action {
        let request_id = self.next_request_id();
        self.requests.insert(request_id, waiting);
        Action::Write(Body::Request(improto::Request {
            request_id,
            body: Some(body),
        }))
    }

    /// A response: to whoever waits for it, if anyone does.
    pub(super) fn on_response(&mut self, response: Response) -> Actions {
        match self.requests.remove(&response.request_id) {
            Some(Waiting::Caller(reply)) => vec![Action::Answer(reply, response)],
            Some(Waiting::ConversationSync { pulled_through }) => {
                self.on_conversation_list(response, pulled_through)
            }
            Some(Waiting::StatusSync) => self.on_status_page(response),
            Some(Waiting::OwnStatus(kind, target_id)) => {
                self.on_own_status(kind, target_id, response)
            }
            Some(Waiting::GroupHeads(after)) => self.on_group_heads(response, after),
            Some(Waiting::GroupPull(group_id)) => {
                self.on_group_pull_refused(group_id, response.code)
            }
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::machine::tests::machine;
    use super::*;

    #[test]
    fn a_response_goes_to_its_caller_once_and_unknown_ones_to_nobody() {
        let mut m = machine(0, 0);
        let (reply, _answer) = oneshot::channel();
        let query = improto::request::Body::ConversationList(Default::default());
        let Action::Write(Body::Request(request)) = m.request(query, Waiting::Caller(reply)) else {
            panic!("a request is written");
        };
        let response = |request_id| Response {
            request_id,
            ..Default::default()
        };
        assert!(m.on_response(response(request.request_id + 1)).is_empty());
        assert!(matches!(
            m.on_response(response(request.request_id)).as_slice(),
            [Action::Answer(_, r)] if r.request_id == request.request_id
        ));
        assert!(m.on_response(response(request.request_id)).is_empty());
    }
}
