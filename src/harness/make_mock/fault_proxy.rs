//! Faults that wiremock cannot make because they live below HTTP: dropped
//! connections and slow bodies. A tiny TCP proxy sits in front of the mock
//! and forwards bytes both ways, except when told to misbehave.
//!
//! Dropping works per request on a kept-alive connection because a small
//! request arrives in one read: when a drop is armed, the proxy reads the
//! request, sends nothing on, and closes the connection, as a crashed load
//! balancer would. A request large enough to span reads could be dropped
//! halfway instead; the client's requests are all small.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How a slow response trickles after its head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlowBody {
    /// Bytes sent at a time.
    pub chunk: usize,
    /// Pause between chunks.
    pub pause: Duration,
}

#[derive(Debug, Default)]
struct Control {
    drop_next: AtomicU32,
    dropped: AtomicU32,
    slow: Mutex<Option<SlowBody>>,
}

/// A loopback TCP proxy with switchable faults; it stops when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    address: SocketAddr,
    control: Arc<Control>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let control = Arc::new(Control::default());

        let task = tokio::spawn(accept_loop(listener, upstream, Arc::clone(&control)));

        Ok(Self {
            address,
            control,
            task,
        })
    }

    /// Where clients connect.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Closes the connection instead of forwarding the next `count` requests.
    pub fn drop_next(&self, count: u32) {
        self.control.drop_next.store(count, Ordering::SeqCst);
    }

    /// Requests dropped so far.
    pub fn dropped(&self) -> u32 {
        self.control.dropped.load(Ordering::SeqCst)
    }

    /// Trickles response bodies (`Some`) or forwards them at full speed.
    pub fn slow_bodies(&self, slow: Option<SlowBody>) {
        *self.control.slow.lock().unwrap_or_else(|p| p.into_inner()) = slow;
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, upstream: SocketAddr, control: Arc<Control>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };

        let control = Arc::clone(&control);
        tokio::spawn(async move {
            if let Err(err) = relay(client, upstream, control).await {
                tracing::debug!(error = %err, "fault proxy connection ended");
            }
        });
    }
}

/// Forwards one connection until either side closes or a drop is due.
async fn relay(client: TcpStream, upstream: SocketAddr, control: Arc<Control>) -> io::Result<()> {
    client.set_nodelay(true)?;
    let server = TcpStream::connect(upstream).await?;
    server.set_nodelay(true)?;
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();

    let requests = forward_requests(client_read, server_write, &control);
    let responses = forward_responses(server_read, client_write, &control);
    tokio::pin!(requests, responses);

    tokio::select! {
        outcome = &mut requests => match outcome {
            // The client finished sending: let the last response through.
            Ok(()) => responses.await,
            // A drop: returning closes both sockets.
            Err(err) => Err(err),
        },
        outcome = &mut responses => outcome,
    }
}

async fn forward_requests(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    control: &Control,
) -> io::Result<()> {
    let mut buffer = vec![0; 16 * 1024];

    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            return to.shutdown().await;
        }

        let armed = control
            .drop_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if armed.is_ok() {
            control.dropped.fetch_add(1, Ordering::SeqCst);
            return Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "dropped on purpose",
            ));
        }

        to.write_all(&buffer[..read]).await?;
    }
}

async fn forward_responses(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    control: &Control,
) -> io::Result<()> {
    let mut buffer = vec![0; 16 * 1024];

    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            return to.shutdown().await;
        }

        let slow = *control.slow.lock().unwrap_or_else(|p| p.into_inner());
        match slow {
            Some(slow) => trickle(&mut to, &buffer[..read], slow).await?,
            None => to.write_all(&buffer[..read]).await?,
        }
    }
}

/// Sends the response head at once, then the rest in paused chunks.
async fn trickle(to: &mut OwnedWriteHalf, bytes: &[u8], slow: SlowBody) -> io::Result<()> {
    let head_end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(0, |at| at + 4);
    let (head, body) = bytes.split_at(head_end);
    to.write_all(head).await?;

    for chunk in body.chunks(slow.chunk.max(1)) {
        tokio::time::sleep(slow.pause).await;
        to.write_all(chunk).await?;
        to.flush().await?;
    }
    Ok(())
}
