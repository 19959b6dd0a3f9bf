//! The `imserver` binary: parses the command line, logs to stderr (dropping what stderr cannot
//! take, see `imserver::logging`), prints the ready line.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use imserver::{Config, Ready, logging, run};
use tokio::sync::oneshot;

fn main() -> ExitCode {
    let config = Config::parse();
    let log = logging::init(
        &config.log_level,
        std::io::stderr,
        std::io::stderr().is_terminal(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.runtime_threads())
        .enable_all()
        .thread_name("imserver-rt")
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            // Not `eprintln!`: it panics if stderr cannot be written.
            let _ = writeln!(std::io::stderr(), "imserver: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let (ready, ready_seen) = oneshot::channel::<Ready>();
        tokio::spawn(async move {
            if let Ok(ready) = ready_seen.await {
                let mut stdout = std::io::stdout().lock();
                let _ = writeln!(stdout, "{}", ready.banner());
                let _ = stdout.flush();
            }
        });
        let outcome = run(config, ready, shutdown_signal()).await;
        let lost = log.lost();
        if lost > 0 {
            tracing::warn!(lost, "log lines could not be written");
        }
        match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!(error = %e, "imserver failed");
                let _ = writeln!(std::io::stderr(), "imserver: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
