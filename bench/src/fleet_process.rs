//! A [`Fleet`] held in child processes (`imbench hold-connections`), so that the connections'
//! client side costs the measured server nothing and each process stays within its
//! open-files limit.

use crate::process_usage::raise_open_files_limit;
use imcore_harness::{Fleet, Member, Peer};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

/// Open files a holding process keeps for itself besides its connections.
const RESERVED_FILES: u64 = 256;

/// Child processes holding authenticated connections until dropped.
pub struct FleetProcesses {
    children: Vec<Child>,
}

impl FleetProcesses {
    /// Spawns as many holding processes as the open-files limit needs, gives each its share
    /// of `members`, and returns once every connection is authenticated.
    pub fn spawn(ws_url: &str, app_key: &str, members: &[Member], peer: Peer) -> FleetProcesses {
        let per_process = (raise_open_files_limit().saturating_sub(RESERVED_FILES)).max(1);
        let mut children: Vec<Child> = members
            .chunks(usize::try_from(per_process).unwrap_or(usize::MAX))
            .map(|share| {
                let mut command = Command::new(std::env::current_exe().expect("exe"));
                command.args(["hold-connections", "--url", ws_url, "--app-key", app_key]);
                if peer == Peer::Echo {
                    command.arg("--echo");
                }
                let mut child = command
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .spawn()
                    .expect("spawn imbench hold-connections");
                let mut stdin = child.stdin.take().expect("stdin");
                for member in share {
                    writeln!(stdin, "{} {}", member.user_id, member.token).expect("write member");
                }
                // Closing stdin ends the list.
                drop(stdin);
                child
            })
            .collect();
        for child in &mut children {
            let mut line = String::new();
            BufReader::new(child.stdout.as_mut().expect("stdout"))
                .read_line(&mut line)
                .expect("read ready line");
            assert_eq!(line.trim(), "ready", "holding process failed");
        }
        FleetProcesses { children }
    }

    /// Number of processes.
    pub fn len(&self) -> usize {
        self.children.len()
    }
}

impl Drop for FleetProcesses {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The child side: reads `user_id token` lines from stdin until it closes, connects them all,
/// prints `ready`, and holds the connections until killed.
pub async fn hold(ws_url: String, app_key: String, peer: Peer) {
    let members = members_from_stdin();
    let _fleet = Fleet::connect(&ws_url, &app_key, &members, peer).await;
    println!("ready");
    std::io::stdout().flush().expect("flush");
    std::future::pending::<()>().await;
}

/// The `user_id token` lines a parent wrote to this child's stdin, until it closed.
pub fn members_from_stdin() -> Vec<Member> {
    std::io::stdin()
        .lock()
        .lines()
        .map(|line| {
            let line = line.expect("stdin");
            let (user_id, token) = line.split_once(' ').expect("`user_id token` line");
            Member {
                user_id: user_id.to_owned(),
                token: token.to_owned(),
            }
        })
        .collect()
}
