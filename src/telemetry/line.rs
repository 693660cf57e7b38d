//! The request log line written by hand. Every provider request logs one event (target
//! [`TARGET`], written by `telemetry::log_request`); this formatter writes that event in
//! the very bytes tracing-subscriber's own formats give it (text: `Full`; JSON: `Json`)
//! at a fraction of their cost: no per-field `Style` wrappers, no span scope walk, the
//! date and time of day formatted once a second per thread, the duration from integer
//! digits. Every other event goes to the stock format, and so does the request line on a
//! terminal (colours) or inside a span, which the sandbox never opens.
//! ARCHITECTURE.md, "Performance", gives the figures; the tests below compare both
//! formatters byte for byte.

use std::cell::Cell;
use std::fmt::{self, Write as _};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::callsite::Identifier;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{Format, Json, Writer};
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The target of the request line.
pub(super) const TARGET: &str = "card_sandbox::request";

/// The request line's fields, in the order its callsite declares them.
const FIELDS: [&str; 9] = [
    "message",
    "tenant",
    "provider",
    "method",
    "path",
    "status",
    "duration_ms",
    "request_id",
    "faults",
];

/// An event formatter: the request line by hand, everything else by `stock`.
#[derive(Debug)]
pub struct Lines<F> {
    stock: F,
    json: bool,
    /// The request line's callsite, once an event has shown it.
    callsite: OnceLock<Identifier>,
}

impl Lines<Format> {
    /// The text format: tracing-subscriber's `Full` with the request line by hand.
    pub fn text() -> Self {
        Lines::new(Format::default(), false)
    }
}

impl Lines<Format<Json>> {
    /// The JSON format: tracing-subscriber's `Json` with the request line by hand.
    pub fn json() -> Self {
        Lines::new(Format::default().json(), true)
    }
}

impl<F> Lines<F> {
    fn new(stock: F, json: bool) -> Self {
        Lines {
            stock,
            json,
            callsite: OnceLock::new(),
        }
    }

    /// Whether `event` is the request line: its target, and exactly its fields (so
    /// another event that borrows the target is left to the stock format).
    fn is_request_line(&self, event: &Event<'_>) -> bool {
        let meta = event.metadata();
        if let Some(known) = self.callsite.get() {
            return *known == meta.callsite();
        }
        let matches = meta.target() == TARGET
            && *meta.level() == Level::INFO
            && meta.fields().iter().map(|f| f.name()).eq(FIELDS);
        if matches {
            let _ = self.callsite.set(meta.callsite());
        }
        matches
    }
}

impl<S, N, F> FormatEvent<S, N> for Lines<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        if !self.is_request_line(event)
            || writer.has_ansi_escapes()
            || event.parent().is_some()
            || ctx.lookup_current().is_some()
        {
            return self.stock.format_event(ctx, writer, event);
        }
        if self.json {
            writer.write_str("{\"timestamp\":\"")?;
            timestamp(&mut writer, crate::clock::wall_system_time())?;
            writer.write_str("\",\"level\":\"INFO\",\"fields\":{")?;
            let mut fields = Fields::new(&mut writer, true);
            event.record(&mut fields);
            fields.result?;
            writer.write_str("},\"target\":\"")?;
            writer.write_str(TARGET)?;
            writer.write_str("\"}\n")
        } else {
            timestamp(&mut writer, crate::clock::wall_system_time())?;
            writer.write_str("  INFO ")?;
            writer.write_str(TARGET)?;
            writer.write_str(": ")?;
            let mut fields = Fields::new(&mut writer, false);
            event.record(&mut fields);
            fields.result?;
            writer.write_char('\n')
        }
    }
}

/// The first second after year 9999: from here on the stock timer writes the year its
/// own way.
const YEAR_10000: u64 = 253_402_300_800;

thread_local! {
    /// The second last written on this thread and its `YYYY-MM-DDTHH:MM:SS.` text.
    static SECOND: Cell<(u64, [u8; 20])> = const { Cell::new((u64::MAX, [0; 20])) };
}

/// `now` as tracing-subscriber's `SystemTime` timer writes it
/// (`2026-12-07T14:40:00.123456Z`, UTC, microseconds).
fn timestamp(writer: &mut Writer<'_>, now: SystemTime) -> fmt::Result {
    let Some(since) = now
        .duration_since(UNIX_EPOCH)
        .ok()
        .filter(|d| d.as_secs() < YEAR_10000)
    else {
        return tracing_subscriber::fmt::time::SystemTime.format_time(writer);
    };
    let secs = since.as_secs();
    let (cached, mut text) = SECOND.get();
    if cached != secs {
        text = second_text(secs);
        SECOND.set((secs, text));
    }
    writer.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)?;
    let micros = since.subsec_micros();
    let mut digits = [b'0'; 6];
    let mut rest = micros;
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    writer.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)?;
    writer.write_char('Z')
}

/// `YYYY-MM-DDTHH:MM:SS.` of a second since the epoch before year 10000.
fn second_text(secs: u64) -> [u8; 20] {
    let at = i64::try_from(secs)
        .ok()
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let mut text = *b"0000-00-00T00:00:00.";
    let mut put = |at: usize, value: u32, width: usize| {
        let mut rest = value;
        for i in (at..at + width).rev() {
            text[i] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
    };
    put(0, at.year().unsigned_abs(), 4);
    put(5, u32::from(u8::from(at.month())), 2);
    put(8, u32::from(at.day()), 2);
    put(11, u32::from(at.hour()), 2);
    put(14, u32::from(at.minute()), 2);
    put(17, u32::from(at.second()), 2);
    text
}

/// Writes `value` as `f64`'s `Debug` (text) or serde_json (JSON) would: when it is a
/// whole number of thousandths below 10^15, where both agree, from integer digits; else
/// through the one the format uses.
fn duration_ms(writer: &mut Writer<'_>, value: f64, json: bool) -> fmt::Result {
    let micros = (value * 1000.0).round();
    if (0.0..1e15).contains(&micros) && micros / 1000.0 == value {
        let micros = micros as u64;
        let mut buf = itoa::Buffer::new();
        writer.write_str(buf.format(micros / 1000))?;
        let fraction = micros % 1000;
        if fraction == 0 {
            return writer.write_str(".0");
        }
        let digits = [
            b'.',
            b'0' + (fraction / 100) as u8,
            b'0' + (fraction / 10 % 10) as u8,
            b'0' + (fraction % 10) as u8,
        ];
        let len = 4 - digits[1..].iter().rev().take_while(|d| **d == b'0').count();
        return writer.write_str(std::str::from_utf8(&digits[..len]).map_err(|_| fmt::Error)?);
    }
    if json {
        writer.write_str(&serde_json::to_string(&value).map_err(|_| fmt::Error)?)
    } else {
        write!(writer, "{value:?}")
    }
}

/// Whether `text` needs no escaping in either format: printable ASCII, no `"` or `\`.
fn plain(text: &str) -> bool {
    text.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}

/// The event's fields in either format. Text, as tracing-subscriber's `DefaultVisitor`
/// writes them without colours: the message bare, the rest `name=value` with `Debug`
/// values, separated by single spaces. JSON, the `fields` object as tracing-serde
/// writes it through serde_json: strings as strings, `Debug` values as their text,
/// numbers bare.
struct Fields<'a, 'w> {
    writer: &'a mut Writer<'w>,
    json: bool,
    first: bool,
    /// A `Debug` value's text before it is escaped (JSON).
    scratch: String,
    result: fmt::Result,
}

impl<'a, 'w> Fields<'a, 'w> {
    fn new(writer: &'a mut Writer<'w>, json: bool) -> Self {
        Fields {
            writer,
            json,
            first: true,
            scratch: String::new(),
            result: Ok(()),
        }
    }

    /// Writes `field`'s separator and name, then its value through `value`, unless an
    /// earlier field failed.
    fn field(&mut self, field: &Field, value: impl FnOnce(&mut Self) -> fmt::Result) {
        if self.result.is_err() {
            return;
        }
        self.result = self.name(field).and_then(|()| value(self));
    }

    fn name(&mut self, field: &Field) -> fmt::Result {
        let first = std::mem::take(&mut self.first);
        if self.json {
            if !first {
                self.writer.write_char(',')?;
            }
            self.writer.write_char('"')?;
            self.writer.write_str(field.name())?;
            self.writer.write_str("\":")
        } else {
            if !first {
                self.writer.write_char(' ')?;
            }
            if field.name() != "message" {
                self.writer.write_str(field.name())?;
                self.writer.write_char('=')?;
            }
            Ok(())
        }
    }

    /// `value` in quotes, escaped as `Debug` (text) or serde_json (JSON) escapes it.
    fn quoted(writer: &mut Writer<'_>, value: &str, json: bool) -> fmt::Result {
        if plain(value) {
            writer.write_char('"')?;
            writer.write_str(value)?;
            writer.write_char('"')
        } else if json {
            writer.write_str(&serde_json::to_string(value).map_err(|_| fmt::Error)?)
        } else {
            write!(writer, "{value:?}")
        }
    }
}

impl Visit for Fields<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.field(field, |f| {
            if !f.json && field.name() == "message" {
                f.writer.write_str(value)
            } else {
                Self::quoted(f.writer, value, f.json)
            }
        });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.field(field, |f| {
            f.writer.write_str(itoa::Buffer::new().format(value))
        });
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.field(field, |f| {
            if f.json && !value.is_finite() {
                f.writer.write_str("null")
            } else {
                duration_ms(f.writer, value, f.json)
            }
        });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.field(field, |f| {
            if f.json {
                f.scratch.clear();
                write!(f.scratch, "{value:?}")?;
                Self::quoted(f.writer, &f.scratch, true)
            } else {
                write!(f.writer, "{value:?}")
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;

    use super::*;
    use crate::journal::RequestRecord;

    /// A writer the test reads back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().expect("not poisoned").clone()).expect("UTF-8")
        }
    }

    fn records() -> Vec<RequestRecord> {
        let base = RequestRecord {
            request_id: "req-000000000042".to_owned(),
            tenant: Some("default".to_owned()),
            provider: Some("hypercard"),
            method: "POST".to_owned(),
            path: "/openapi/v3/transaction/query".to_owned(),
            status: 200,
            duration_us: 1234,
            ..Default::default()
        };
        let mut all = vec![base.clone()];
        for (i, duration_us) in [0, 1, 10, 100, 999, 1000, 1010, 1_100_000, 123_456_789]
            .into_iter()
            .enumerate()
        {
            all.push(RequestRecord {
                duration_us,
                status: [0, 404, 500][i % 3],
                ..base.clone()
            });
        }
        all.push(RequestRecord {
            tenant: None,
            provider: None,
            faults: vec!["slow".to_owned(), "reset-1".to_owned()],
            duration_us: u64::MAX,
            ..base.clone()
        });
        all.push(RequestRecord {
            tenant: Some("t \"quoted\" \\ back\u{7}bell é ünï \u{1b}[31m".to_owned()),
            request_id: "id with \"quotes\" and \u{0}nul é".to_owned(),
            method: "PATCH".to_owned(),
            path: "/a%20b/\u{e9}".to_owned(),
            faults: vec!["a\"b".to_owned()],
            ..base
        });
        all
    }

    /// The lines the stock format and `Lines` write for `records`, the timestamps cut.
    fn both(json: bool) -> (String, String) {
        let stock = Captured::default();
        let ours = Captured::default();
        let run = |writer: Captured, hand: bool| {
            let builder = tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(writer);
            let dispatch = match (json, hand) {
                (false, false) => tracing::Dispatch::new(builder.finish()),
                (false, true) => {
                    tracing::Dispatch::new(builder.event_format(Lines::text()).finish())
                }
                (true, false) => tracing::Dispatch::new(builder.json().finish()),
                (true, true) => {
                    tracing::Dispatch::new(builder.json().event_format(Lines::json()).finish())
                }
            };
            tracing::dispatcher::with_default(&dispatch, || {
                for record in records() {
                    super::super::log_request(&record);
                }
                tracing::info!(target: "card_sandbox::request", other = 1, "not the line");
                tracing::warn!("something else");
            });
        };
        run(stock.clone(), false);
        run(ours.clone(), true);
        let cut = |text: String| {
            text.lines()
                .map(|line| {
                    if json {
                        let (head, rest) = line.split_at(line.find(",\"level\"").expect("level"));
                        assert!(head.starts_with("{\"timestamp\":\""), "{line}");
                        rest.to_owned()
                    } else {
                        line.split_once(' ').expect("a timestamp").1.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        (cut(stock.text()), cut(ours.text()))
    }

    #[test]
    fn the_text_line_is_the_stock_formats_byte_for_byte() {
        let (stock, ours) = both(false);
        assert_eq!(ours, stock);
        assert_eq!(stock.lines().count(), records().len() + 2);
        assert!(stock.contains("duration_ms=1.234 "), "{stock}");
    }

    #[test]
    fn client_controlled_fields_are_cut_to_the_journals_bounds() {
        let captured = Captured::default();
        let dispatch = tracing::Dispatch::new(
            tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(captured.clone())
                .event_format(Lines::text())
                .finish(),
        );
        let record = RequestRecord {
            request_id: "r".repeat(1000),
            tenant: Some("t".repeat(1000)),
            method: "M".repeat(1000),
            path: format!("/{}", "é".repeat(50_000)),
            ..records()[0].clone()
        };
        tracing::dispatcher::with_default(&dispatch, || super::super::log_request(&record));
        let line = captured.text();
        assert_eq!(line.lines().count(), 1);
        assert!(
            line.len() < 2048 + 3 * 128 + 32 + 300,
            "{} bytes",
            line.len()
        );
        let path = format!("/{}", "é".repeat(1023));
        assert!(
            line.contains(&format!(" path={path}…[+97954 bytes] ")),
            "{line}"
        );
        assert!(line.contains(&format!("tenant=\"{}…[+872 bytes]\"", "t".repeat(128))));
        assert!(line.contains(&format!("method={}…[+968 bytes] ", "M".repeat(32))));
        assert!(line.contains(&format!("request_id={}…[+872 bytes]", "r".repeat(128))));
    }

    #[test]
    fn the_json_line_is_the_stock_formats_byte_for_byte() {
        let (stock, ours) = both(true);
        assert_eq!(ours, stock);
        assert_eq!(stock.lines().count(), records().len() + 2);
        assert!(stock.contains("\"duration_ms\":1.234,"), "{stock}");
    }

    #[test]
    fn timestamps_are_utc_with_microseconds() {
        let format = time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
        );
        for secs in [
            0u64,
            59,
            86_399,
            951_782_400, // 2000-02-29
            1_780_272_000,
            4_107_542_399, // 2100-02-28T23:59:59
            4_107_542_400,
            YEAR_10000 - 1,
        ] {
            for micros in [0u32, 7, 999_999] {
                let at = UNIX_EPOCH
                    + std::time::Duration::from_secs(secs)
                    + std::time::Duration::from_micros(u64::from(micros));
                let mut ours = String::new();
                timestamp(&mut Writer::new(&mut ours), at).expect("written");
                let expected = time::OffsetDateTime::from(at)
                    .format(format)
                    .expect("formats");
                assert_eq!(ours, expected, "{secs}.{micros}");
            }
        }
    }
}
