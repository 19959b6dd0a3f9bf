//! Connections that have not authenticated yet, counted per IP address: one address may hold
//! at most a configured number of them, so that unauthenticated peers cannot take every
//! socket the process may open away from the users who sign their calls or hold a token.
//!
//! A connection counts from its acceptance until it authenticates (a signed Server API call
//! passes its signature check, or a WebSocket's `Connect` is accepted) or closes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// The unauthenticated connections of every address, and the cap on them.
#[derive(Debug)]
pub struct Admission {
    max_per_ip: u32,
    pending: Mutex<HashMap<IpAddr, u32>>,
}

impl Admission {
    /// Admits at most `max_per_ip` unauthenticated connections per address.
    pub fn new(max_per_ip: u32) -> Arc<Self> {
        Arc::new(Admission {
            max_per_ip,
            pending: Mutex::default(),
        })
    }

    /// Counts a new connection from `ip` as unauthenticated, or `None` if `ip` already holds
    /// the most allowed.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Unauthenticated> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let count = pending.entry(ip).or_default();
        if *count >= self.max_per_ip {
            return None;
        }
        *count += 1;
        Some(Unauthenticated {
            admission: self.clone(),
            ip,
        })
    }

    /// How many unauthenticated connections `ip` holds.
    pub fn pending(&self, ip: IpAddr) -> u32 {
        let pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.get(&ip).copied().unwrap_or(0)
    }

    /// Stops counting one connection of `ip`.
    fn release(&self, ip: IpAddr) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = pending.get_mut(&ip) {
            *count -= 1;
            if *count == 0 {
                pending.remove(&ip);
            }
        }
    }
}

/// One connection counted as unauthenticated; dropping it stops counting it.
#[derive(Debug)]
pub struct Unauthenticated {
    admission: Arc<Admission>,
    ip: IpAddr,
}

impl Drop for Unauthenticated {
    fn drop(&mut self) {
        self.admission.release(self.ip);
    }
}

/// What a connection's requests (and its WebSocket session) hold of its admission: the first
/// to authenticate stops the connection being counted. Found in every request's extensions.
#[derive(Debug, Clone)]
pub struct Admitted(Arc<Mutex<Option<Unauthenticated>>>);

impl Admitted {
    /// A connection counted until it authenticates.
    pub fn new(unauthenticated: Unauthenticated) -> Self {
        Admitted(Arc::new(Mutex::new(Some(unauthenticated))))
    }

    /// The connection has authenticated: it no longer counts against its address.
    pub fn authenticated(&self) {
        let counted = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        drop(counted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn caps_each_address_until_its_connections_authenticate_or_close() {
        let admission = Admission::new(2);
        let first = Admitted::new(admission.admit(IP).unwrap());
        let second = admission.admit(IP).unwrap();
        assert!(admission.admit(IP).is_none());
        assert!(
            admission.admit(OTHER).is_some(),
            "other addresses are not affected"
        );
        first.authenticated();
        assert_eq!(admission.pending(IP), 1);
        let third = admission.admit(IP).unwrap();
        drop(second);
        drop(third);
        assert_eq!(admission.pending(IP), 0);
        assert!(
            admission.pending.lock().unwrap().is_empty(),
            "no entry left behind"
        );
    }
}
