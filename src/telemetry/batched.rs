//! The log writer ([`Batched`]): info and debug lines (every request's line among them)
//! wait in memory and a background thread writes them to stderr in one write at most
//! [`DELAY`] after the first of them; warnings and errors are written at once, after
//! whatever waits, so the order of lines is kept. A request pays for a copy into the
//! buffer instead of a write system call (about 1.3 us of server CPU a request under
//! load, ARCHITECTURE.md, "Performance"). At most [`MAX_PENDING`] bytes wait; a line that
//! takes the buffer past it is written at once with the rest. [`flush`](Batched::flush)
//! writes what waits (the binary calls it before it exits and before a panic message).

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// The longest a line waits before it is written: what `tail -f` lags at most.
pub(super) const DELAY: Duration = Duration::from_millis(20);

/// The most bytes that wait; past it the writing line writes them all itself.
const MAX_PENDING: usize = 64 * 1024;

/// See the module header. Clones share one buffer and one background thread.
#[derive(Clone)]
pub struct Batched(Arc<Shared>);

impl std::fmt::Debug for Batched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batched").finish_non_exhaustive()
    }
}

struct Shared {
    pending: Mutex<Pending>,
    /// Wakes the background thread when the first line arrives in an empty buffer.
    wake: Condvar,
}

struct Pending {
    lines: Vec<u8>,
    sink: Box<dyn Write + Send>,
    /// No background thread (it could not be started, or it was stopped): every line
    /// is written at once.
    direct: bool,
}

impl Pending {
    fn write_out(&mut self) {
        if self.lines.is_empty() {
            return;
        }
        // A log line that cannot be written has nowhere else to go.
        let _ = self.sink.write_all(&self.lines);
        let _ = self.sink.flush();
        self.lines.clear();
    }
}

fn lock(shared: &Shared) -> MutexGuard<'_, Pending> {
    shared
        .pending
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

impl Batched {
    /// Lines to `sink`, written by a background thread at most `delay` after they arrive.
    pub fn new(sink: impl Write + Send + 'static, delay: Duration) -> Self {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending {
                lines: Vec::new(),
                sink: Box::new(sink),
                direct: false,
            }),
            wake: Condvar::new(),
        });
        let for_thread = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("log-writer".to_owned())
            .spawn(move || write_loop(&for_thread, delay));
        if spawned.is_err() {
            lock(&shared).direct = true;
        }
        Self(shared)
    }

    /// Writes every waiting line now.
    pub fn flush(&self) {
        lock(&self.0).write_out();
    }

    /// [`flush`](Self::flush) unless another thread holds the buffer (a panic hook must
    /// not wait on a lock its own thread may hold).
    pub fn try_flush(&self) {
        if let Ok(mut pending) = self.0.pending.try_lock() {
            pending.write_out();
        }
    }

    /// Writes what waits and stops the background thread; later lines are written at
    /// once.
    pub fn stop(&self) {
        let mut pending = lock(&self.0);
        pending.write_out();
        pending.direct = true;
        drop(pending);
        self.0.wake.notify_one();
    }

    fn push(&self, line: &[u8], now: bool) {
        let mut pending = lock(&self.0);
        let was_empty = pending.lines.is_empty();
        pending.lines.extend_from_slice(line);
        if now || pending.direct || pending.lines.len() >= MAX_PENDING {
            pending.write_out();
        } else if was_empty {
            drop(pending);
            self.0.wake.notify_one();
        }
    }
}

/// The background thread: sleeps until a line arrives, lets `delay` pass so more can
/// join it, writes them all; ends when [`Batched::stop`] is called.
fn write_loop(shared: &Shared, delay: Duration) {
    let mut pending = lock(shared);
    loop {
        while pending.lines.is_empty() && !pending.direct {
            pending = shared
                .wake
                .wait(pending)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if pending.direct {
            pending.write_out();
            return;
        }
        drop(pending);
        std::thread::sleep(delay);
        pending = lock(shared);
        pending.write_out();
    }
}

/// One event's writer: tracing's formatter writes the whole line in one call.
#[derive(Debug)]
pub struct Line<'a> {
    to: &'a Batched,
    now: bool,
}

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.to.push(buf, self.now);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Batched {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        Line {
            to: self,
            now: true,
        }
    }

    /// Warnings and errors at once; the rest waits.
    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Line<'a> {
        Line {
            to: self,
            now: *meta.level() <= Level::WARN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test reads back.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Sink {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().expect("not poisoned").clone()).expect("UTF-8")
        }
    }

    fn write(batched: &Batched, level: Level, line: &str) {
        let now = level <= Level::WARN;
        let mut writer = Line { to: batched, now };
        writer.write_all(line.as_bytes()).expect("writes");
    }

    #[test]
    fn info_lines_wait_and_a_warning_writes_them_first_in_order() {
        let sink = Sink::default();
        // A delay no test waits for: only a warning or a flush writes.
        let batched = Batched::new(sink.clone(), Duration::from_secs(3600));
        write(&batched, Level::INFO, "one\n");
        write(&batched, Level::DEBUG, "two\n");
        assert_eq!(sink.text(), "", "info lines wait");
        write(&batched, Level::WARN, "three\n");
        assert_eq!(sink.text(), "one\ntwo\nthree\n");
        write(&batched, Level::INFO, "four\n");
        batched.flush();
        assert_eq!(sink.text(), "one\ntwo\nthree\nfour\n");
        batched.stop();
    }

    #[test]
    fn the_background_thread_writes_waiting_lines_after_the_delay() {
        let sink = Sink::default();
        let batched = Batched::new(sink.clone(), Duration::from_millis(5));
        write(&batched, Level::INFO, "a line\n");
        let watch = crate::clock::Stopwatch::start();
        while sink.text().is_empty() && watch.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(sink.text(), "a line\n");
        batched.stop();
    }

    #[test]
    fn no_more_than_the_bound_waits() {
        let sink = Sink::default();
        let batched = Batched::new(sink.clone(), Duration::from_secs(3600));
        let line = format!("{}\n", "x".repeat(999));
        let lines = MAX_PENDING / line.len();
        for _ in 0..lines {
            write(&batched, Level::INFO, &line);
        }
        assert_eq!(sink.text(), "", "below the bound everything waits");
        write(&batched, Level::INFO, &line);
        assert_eq!(sink.text().len(), (lines + 1) * line.len());
        assert!(lock(&batched.0).lines.is_empty());
        batched.stop();
    }

    #[test]
    fn after_stop_every_line_is_written_at_once() {
        let sink = Sink::default();
        let batched = Batched::new(sink.clone(), Duration::from_secs(3600));
        write(&batched, Level::INFO, "kept\n");
        batched.stop();
        assert_eq!(sink.text(), "kept\n");
        write(&batched, Level::INFO, "late\n");
        assert_eq!(sink.text(), "kept\nlate\n");
    }
}
