//! One relayed connection: bytes pumped both ways through the proxy's faults, until either
//! side closes or a cut resets both.

use super::Faults;
use std::io;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest chunk read (and forwarded) at once.
const CHUNK_BYTES: usize = 16 * 1024;

/// Relays `client` to the current upstream until the connection ends or is cut. A client
/// whose upstream cannot be reached is reset, as a refused connection would be.
pub(super) async fn relay(mut client: TcpStream, faults: Arc<Faults>) {
    // Subscribed before connecting, so that a cut from now on also resets this connection.
    let mut cuts = faults.cuts.subscribe();
    let upstream = faults.upstream.lock().unwrap().clone();
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        faults.count(|s| s.refused += 1);
        reset(&client);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let cut = {
        let (mut client_read, mut client_write) = client.split();
        let (mut server_read, mut server_write) = server.split();
        let both_ways = async {
            tokio::try_join!(
                pump(&mut client_read, &mut server_write, &faults),
                pump(&mut server_read, &mut client_write, &faults),
            )
        };
        tokio::select! {
            _ = both_ways => false,
            _ = cuts.changed() => true,
        }
    };
    if cut {
        faults.count(|s| s.reset += 1);
        reset(&client);
        reset(&server);
    }
}

/// Forwards `from` to `to` chunk by chunk, each one held by the faults first; passes the end
/// of the stream on as a half-close.
async fn pump(
    from: &mut (impl AsyncRead + Unpin),
    to: &mut (impl AsyncWrite + Unpin),
    faults: &Faults,
) -> io::Result<()> {
    let mut chunk = vec![0u8; CHUNK_BYTES];
    loop {
        let n = from.read(&mut chunk).await?;
        if n == 0 {
            return to.shutdown().await;
        }
        faults.hold().await;
        to.write_all(&chunk[..n]).await?;
    }
}

/// Makes the coming close of `stream` a reset (RST) instead of an orderly shutdown (FIN).
fn reset(stream: &TcpStream) {
    let _ = stream.set_zero_linger();
}
