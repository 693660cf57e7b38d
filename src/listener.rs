//! The accept loop: serves each TCP connection with hyper (HTTP/1.1), gives every
//! request a [`Connection`] handle so a fault can reset or close the socket it came
//! on, and shuts down gracefully: stop accepting, close at once every connection with
//! no request being handled (idle, or still sending its headers), let requests being
//! handled finish within the grace period, then return whatever is left.

use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tower::{Service, ServiceExt};

/// What the listener serves: the application (`server::App`), or any service that
/// answers a request the way it does.
pub trait Application:
    Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + 'static
{
}

impl<S> Application for S where
    S: Service<Request, Response = Response, Error = Infallible, Future: Send>
        + Clone
        + Send
        + 'static
{
}

/// A client must send a request's headers within this time (slow-header clients
/// would otherwise hold a connection forever).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How a fault ends a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kill {
    /// Close with a TCP reset (RST), sending nothing more.
    Reset,
    /// Close normally (FIN) without answering.
    Close,
}

/// A request's handle on the TCP connection it arrived on (a request extension).
#[derive(Debug, Clone)]
pub struct Connection {
    kill: Arc<watch::Sender<Option<Kill>>>,
    /// A second descriptor of the socket, to set `SO_LINGER` 0 before a reset; dropped
    /// as soon as it has served (or with the connection).
    #[cfg(unix)]
    socket: Arc<Mutex<Option<std::os::fd::OwnedFd>>>,
}

impl Connection {
    fn new(stream: &TcpStream) -> Self {
        #[cfg(unix)]
        let socket = {
            use std::os::fd::AsFd;
            stream.as_fd().try_clone_to_owned().ok()
        };
        #[cfg(not(unix))]
        let _ = stream;
        Self {
            kill: Arc::new(watch::Sender::new(None)),
            #[cfg(unix)]
            socket: Arc::new(Mutex::new(socket)),
        }
    }

    /// Ends the connection: its task drops it at once, without an answer.
    pub fn kill(&self, how: Kill) {
        self.kill.send_replace(Some(how));
    }

    async fn killed(&self) -> Kill {
        let mut rx = self.kill.subscribe();
        let kill = rx.wait_for(Option::is_some).await.ok().and_then(|k| *k);
        match kill {
            Some(kill) => kill,
            None => std::future::pending().await,
        }
    }

    /// Arms the reset (linger 0, so closing sends RST) and lets go of the second
    /// descriptor, so dropping the connection really closes the socket.
    fn prepare(&self, how: Kill) {
        #[cfg(unix)]
        {
            let socket = self
                .socket
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            if let (Kill::Reset, Some(fd)) = (how, socket.as_ref())
                && let Err(e) = socket2::SockRef::from(fd).set_linger(Some(Duration::ZERO))
            {
                tracing::warn!(error = %e, "could not arm a connection reset; closing instead");
            }
        }
        #[cfg(not(unix))]
        let _ = how;
    }

    fn release(&self) {
        #[cfg(unix)]
        self.socket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
    }
}

/// Serves `app` on an already-bound listener until `shutdown` completes, then stops
/// accepting and waits for in-flight requests (idle keep-alive connections close).
pub async fn serve(
    listener: TcpListener,
    app: impl Application,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let (done_tx, mut done_rx) = mpsc::channel::<()>(1);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let app = app.clone();
                    let stop = stop_rx.clone();
                    let done = done_tx.clone();
                    tokio::spawn(async move {
                        connection(stream, app, stop).await;
                        drop(done);
                    });
                }
                Err(e) => {
                    // Out of descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    stop_tx.send_replace(true);
    drop(done_tx);
    if tokio::time::timeout(grace, done_rx.recv()).await.is_err() {
        tracing::warn!(
            grace_s = grace.as_secs_f64(),
            "requests still in flight after the shutdown grace period; closing them"
        );
    }
    Ok(())
}

/// Counts a connection's requests being handled; the guard uncounts when the answer is
/// done (or dropped).
#[derive(Debug)]
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn connection(stream: TcpStream, app: impl Application, mut stop: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let handle = Connection::new(&stream);
    let for_requests = handle.clone();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let counter = in_flight.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(for_requests.clone());
        let guard = InFlight::enter(&counter);
        let answer = app.clone().oneshot(req.map(Body::new));
        async move {
            let answered = answer.await;
            drop(guard);
            answered
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(conn);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                break;
            }
            how = handle.killed() => {
                handle.prepare(how);
                break;
            }
            changed = stop.wait_for(|s| *s), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    if in_flight.load(Ordering::SeqCst) == 0 {
                        // Idle, or part-way through its headers: nothing to finish.
                        break;
                    }
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
    handle.release();
}
