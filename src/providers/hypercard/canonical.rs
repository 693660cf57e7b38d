//! The HyperCard canonical string: the exact text a request or push signature covers.
//!
//! It owns the rules that turn the signed headers and a JSON body into
//! `name=value&name=value`: which headers take part, how each value is rendered (top-level
//! strings bare, everything else the way HyperCard's Python verifier prints it after
//! `json.loads`, with three substring replacements over nested values), which fields are
//! dropped as empty, and the UTF-16 sort. It knows nothing of keys, base64 or HTTP types;
//! `signature.rs` signs and verifies what this module produces.
//!
//! Sources: HyperCard's signature page and a public adapter's golden vectors (the
//! README's HyperCard section shows the rules). Where this cannot match Python exactly: unassigned code points inside
//! nested strings are kept as they are (Python escapes them, and which ones are unassigned
//! depends on its version); integers beyond 64 bits and `-0` reach us as floats from
//! serde_json; and a float with 16 or more significant digits is only the double Python
//! reads if serde_json parsed it with its `float_roundtrip` feature.

use serde_json::{Map, Number, Value};

/// The headers that take part in the canonical string. Every other header (`signature`
/// included) is ignored.
const SIGNED_HEADERS: [&str; 5] = ["timestamp", "nonce", "api-key", "version", "lang"];

/// The canonical string for `headers` (name and value pairs as received; names match
/// case-insensitively and the first of repeated names counts) and a JSON object body.
///
/// Header and body fields are merged (a body field wins a name collision), `signature`
/// is dropped, fields whose scalars concatenate to nothing are dropped, and the rest are
/// sorted by name in UTF-16 code-unit order and joined as `name=value` with `&`.
pub fn canonical_string(headers: &[(&str, &str)], body: &Map<String, Value>) -> String {
    let mut fields: Vec<(&str, String)> = Vec::with_capacity(body.len() + SIGNED_HEADERS.len());
    for name in SIGNED_HEADERS {
        if body.contains_key(name) {
            continue;
        }
        let value = headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| *value);
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            fields.push((name, value.to_owned()));
        }
    }
    for (name, value) in body {
        if name == "signature" || !has_content(value) {
            continue;
        }
        fields.push((name, render_field(value)));
    }
    fields.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));

    let mut out = String::new();
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Whether the scalars under `value` concatenate to something: any boolean or number, or
/// a non-empty string. Nulls render as nothing here, and object keys
/// are not scalars.
fn has_content(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(_) | Value::Number(_) => true,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(has_content),
        Value::Object(map) => map.values().any(has_content),
    }
}

/// A top-level value as the verifier prints it: strings bare, scalars as Python's `str`,
/// containers as Python's `repr` with the three replacements.
fn render_field(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => {
            let mut repr = String::new();
            push_repr(value, &mut repr);
            // Plain substring replacements, in this order, over the whole rendered value,
            // string content included: that is what the verifier does.
            repr.replace('\'', "\"")
                .replace(", ", ",")
                .replace(": ", ":")
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {
            let mut out = String::new();
            push_repr(value, &mut out);
            out
        }
    }
}

/// Appends Python's `repr` of the value `json.loads` would have made of `value`.
fn push_repr(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => push_number(n, out),
        Value::String(s) => push_str_repr(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_repr(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_str_repr(key, out);
                out.push_str(": ");
                push_repr(item, out);
            }
            out.push('}');
        }
    }
}

/// JSON integers are Python ints (plain decimal); JSON numbers with a fraction or an
/// exponent are Python floats, printed as `repr(float)` prints them.
fn push_number(n: &Number, out: &mut String) {
    match n.as_f64() {
        Some(f) if n.is_f64() => push_float_repr(f, out),
        _ => out.push_str(&n.to_string()),
    }
}

/// Python's `repr(float)`: the shortest digits that read back as the same double (the
/// nearest such, ties to even), in fixed notation when the decimal point falls within
/// 16 digits to the left and 4 to the right (`10.5`, `1000.0`, `0.0001`), otherwise
/// scientific with a signed, at least two-digit exponent (`1e+16`, `1.5e-05`).
fn push_float_repr(f: f64, out: &mut String) {
    if !f.is_finite() {
        // serde_json never produces these; Python would print them so.
        out.push_str(if f.is_nan() {
            "nan"
        } else if f > 0.0 {
            "inf"
        } else {
            "-inf"
        });
        return;
    }
    let shortest = format!("{f:e}");
    // Rust and Python agree on how many digits are needed, but when two candidates of
    // that length are equally near the double Rust rounds up and Python to even
    // (614620955222352.25 is `...352.2` in Python). The correctly rounded candidate of
    // that length (Rust's exact mode rounds ties to even) is Python's whenever it reads
    // back as the same double.
    let digit_count = shortest
        .split('e')
        .next()
        .map_or(1, |m| m.chars().filter(char::is_ascii_digit).count());
    let nearest = format!("{:.*e}", digit_count.saturating_sub(1), f);
    let sci = if nearest.parse::<f64>() == Ok(f) {
        nearest
    } else {
        shortest
    };
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if negative {
        out.push('-');
    }
    // Where the decimal point goes, counted from the left of `digits`.
    let point = exponent + 1;
    if point <= -4 || point > 16 {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exponent < 0 { '-' } else { '+' };
        out.push_str(&format!("e{sign}{:02}", exponent.unsigned_abs()));
    } else if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        out.push_str(&digits);
    } else {
        let point = point.unsigned_abs() as usize;
        if point >= digits.len() {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', point - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
}

/// Python 3's `repr(str)`: single quotes, or double quotes when the string holds a single
/// quote and no double quote; backslash, the chosen quote, `\t`, `\n` and `\r` escaped;
/// other non-printable characters as `\xNN`, `\uNNNN` or `\UNNNNNNNN`; printable
/// non-ASCII characters kept as they are.
fn push_str_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let code = u32::from(c);
                let escaped = if code < 0x100 {
                    format!("\\x{code:02x}")
                } else if code < 0x1_0000 {
                    format!("\\u{code:04x}")
                } else {
                    format!("\\U{code:08x}")
                };
                out.push_str(&escaped);
            }
        }
    }
    out.push(quote);
}

/// Code points Python's `str.isprintable` rejects, apart from unassigned ones: controls
/// (Cc), format characters (Cf), separators other than the space (Zs, Zl, Zp) and private
/// use (Co), as of Unicode 15.1 (Python 3.12 and later). Inclusive ranges, sorted.
const NOT_PRINTABLE: [(u32, u32); 28] = [
    (0x0000, 0x001F),
    (0x007F, 0x00A0),
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x1680, 0x1680),
    (0x180E, 0x180E),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x2064),
    (0x2066, 0x206F),
    (0x3000, 0x3000),
    (0xE000, 0xF8FF),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    (0xF0000, 0xFFFFD),
    (0x100000, 0x10FFFD),
];

fn is_printable(c: char) -> bool {
    let code = u32::from(c);
    if (0x20..0x7F).contains(&code) {
        return true;
    }
    let after = NOT_PRINTABLE.partition_point(|&(_, last)| last < code);
    NOT_PRINTABLE
        .get(after)
        .is_none_or(|&(first, _)| code < first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("test bodies are objects, got {other}"),
        }
    }

    /// The canonical string of a body alone.
    fn body_only(body: Value) -> String {
        canonical_string(&[], &object(body))
    }

    /// The canonical string of an object parsed from JSON text, so key order and number
    /// types are exactly as sent.
    fn from_text(text: &str) -> String {
        let body: Map<String, Value> = serde_json::from_str(text).expect("valid test JSON");
        canonical_string(&[], &body)
    }

    #[test]
    fn the_readme_worked_example() {
        let body: Map<String, Value> = serde_json::from_str(
            r#"{"card_id":"123","meta":{"k":1,"n":"O'Neil"},"tags":[true,"x"],"note":""}"#,
        )
        .expect("valid test JSON");
        let headers = [
            ("api-key", "k"),
            ("nonce", "n1"),
            ("timestamp", "1700000000"),
            ("version", "1.0"),
        ];
        assert_eq!(
            canonical_string(&headers, &body),
            r#"api-key=k&card_id=123&meta={"k":1,"n":"O"Neil"}&nonce=n1&tags=[True,"x"]&timestamp=1700000000&version=1.0"#
        );
    }

    #[test]
    fn fact_sheet_example() {
        assert_eq!(
            from_text(r#"{"a": {"k": 1, "n": "O'Neil"}, "b": [true, "x"]}"#),
            r#"a={"k":1,"n":"O"Neil"}&b=[True,"x"]"#
        );
    }

    #[test]
    fn headers_and_body_merge_sorted() {
        let headers = [
            ("Timestamp", "1700000000"),
            ("NONCE", "a1b2c3d4e5"),
            ("api-key", "merchant-1"),
            ("version", "1.0"),
            ("lang", "en"),
            ("signature", "ignored"),
            ("content-type", "application/json"),
        ];
        let body = object(json!({"card_id": "15723682800000053333", "amount": "10.00"}));
        assert_eq!(
            canonical_string(&headers, &body),
            "amount=10.00&api-key=merchant-1&card_id=15723682800000053333&lang=en\
             &nonce=a1b2c3d4e5&timestamp=1700000000&version=1.0"
        );
    }

    #[test]
    fn body_wins_a_collision_and_signature_is_dropped() {
        let headers = [("nonce", "fromheader"), ("version", "1.0")];
        let body = object(json!({"nonce": "frombody", "signature": "abc", "x": 1}));
        assert_eq!(
            canonical_string(&headers, &body),
            "nonce=frombody&version=1.0&x=1"
        );
        // An empty or null body field still wins, and is then dropped with its header.
        let body = object(json!({"nonce": "", "version": null}));
        assert_eq!(canonical_string(&headers, &body), "");
    }

    #[test]
    fn first_of_repeated_headers_counts_and_empty_headers_drop() {
        let headers = [("lang", "en"), ("Lang", "zh-CN"), ("nonce", "")];
        assert_eq!(canonical_string(&headers, &Map::new()), "lang=en");
    }

    #[test]
    fn nested_objects_keep_their_key_order() {
        assert_eq!(
            from_text(r#"{"o": {"z": 1, "a": 2, "m": {"y": true, "b": false}}}"#),
            r#"o={"z":1,"a":2,"m":{"y":True,"b":False}}"#
        );
    }

    #[test]
    fn arrays_render_python_style() {
        assert_eq!(
            from_text(r#"{"l": [1, "two", 3.5, null, [false], {"k": "v"}]}"#),
            r#"l=[1,"two",3.5,None,[False],{"k":"v"}]"#
        );
    }

    #[test]
    fn empty_values_drop_by_their_scalars_at_any_depth() {
        assert_eq!(
            from_text(
                r#"{"s": "", "o": {}, "l": [], "oe": {"a": ""}, "ll": [[""], []],
                    "deep": {"a": {"b": [null, ""]}}, "n": null, "keep": "x"}"#
            ),
            "keep=x"
        );
        // Inside a field that is kept, empty members stay and render.
        assert_eq!(
            from_text(r#"{"o": {"a": "", "b": {}, "c": [], "d": 1}}"#),
            r#"o={"a":"","b":{},"c":[],"d":1}"#
        );
    }

    #[test]
    fn zero_and_false_are_kept() {
        assert_eq!(
            from_text(r#"{"f": false, "z": 0, "zf": 0.0, "of": {"a": false}, "lz": [0]}"#),
            r#"f=False&lz=[0]&of={"a":False}&z=0&zf=0.0"#
        );
    }

    #[test]
    fn top_level_null_drops_and_nested_null_is_none() {
        assert_eq!(
            from_text(r#"{"gone": null, "o": {"a": null, "b": 1}, "l": [null, 2]}"#),
            r#"l=[None,2]&o={"a":None,"b":1}"#
        );
    }

    #[test]
    fn unicode_is_kept_as_is() {
        assert_eq!(
            from_text(r#"{"name": "张三 🙂", "o": {"city": "深圳", "mood": "🙂"}}"#),
            r#"name=张三 🙂&o={"city":"深圳","mood":"🙂"}"#
        );
    }

    #[test]
    fn quotes_and_separators_inside_nested_strings() {
        // Both quote kinds: Python picks single quotes and escapes the single one.
        assert_eq!(
            from_text(r#"{"o": {"q": "say \"hi\"", "both": "it's \"x\""}}"#),
            r#"o={"q":"say "hi"","both":"it\"s "x""}"#
        );
        // The replacements reach string content, and ": " is removed after ", ".
        assert_eq!(
            from_text(r#"{"o": {"addr": "x, y", "t": "a: b", "mix": "k, : v"}}"#),
            r#"o={"addr":"x,y","t":"a:b","mix":"k,:v"}"#
        );
        // Top-level strings are not touched at all.
        assert_eq!(from_text(r#"{"addr": "x, y: 'z'"}"#), "addr=x, y: 'z'");
    }

    #[test]
    fn control_characters_escape_the_python_way() {
        assert_eq!(
            from_text(r#"{"o": ["a\nb\tc\r", "back\\slash", "\u0001\u007f\u00a0\u00e9\u200b"]}"#),
            r#"o=["a\nb\tc\r","back\\slash","\x01\x7f\xa0é\u200b"]"#
        );
        // Top-level strings keep their raw characters.
        assert_eq!(from_text(r#"{"s": "a\nb"}"#), "s=a\nb");
    }

    #[test]
    fn numbers_print_as_python_does() {
        assert_eq!(
            from_text(
                r#"{"a": 10.5, "b": 1000.0, "c": 1000, "d": -7, "e": 1e3, "f": 0.1,
                    "g": 1e16, "h": 1e15, "i": 0.0001, "j": 0.00001, "k": 1.5e-7,
                    "l": 18446744073709551615, "m": -9223372036854775808, "n": 10.50,
                    "o": [2.5e20, 123456789.125]}"#
            ),
            "a=10.5&b=1000.0&c=1000&d=-7&e=1000.0&f=0.1&g=1e+16&h=1000000000000000.0\
             &i=0.0001&j=1e-05&k=1.5e-07&l=18446744073709551615&m=-9223372036854775808\
             &n=10.5&o=[2.5e+20,123456789.125]"
        );
    }

    #[test]
    fn names_sort_by_utf16_code_units() {
        // U+1F600 is D83D DE00 in UTF-16, below U+FF21; in UTF-8 (and as chars) it is
        // above.
        assert_eq!(
            body_only(json!({"\u{FF21}": "fullwidth", "\u{1F600}": "emoji", "a": "ascii"})),
            "a=ascii&\u{1F600}=emoji&\u{FF21}=fullwidth"
        );
        assert!("\u{FF21}" < "\u{1F600}", "UTF-8 order differs");
    }

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.3, "0.3"),
            (2.0 / 3.0, "0.6666666666666666"),
            (123.456, "123.456"),
            (1e22, "1e+22"),
            (9_999_999_999_999_998.0, "9999999999999998.0"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (-0.00012, "-0.00012"),
            // Doubles exactly halfway between two shortest candidates (written as sums,
            // since the literal has more digits than Rust prints): Python takes the even.
            (614_620_955_222_352.0 + 0.25, "614620955222352.2"),
            (614_620_955_222_352.0 + 0.75, "614620955222352.8"),
        ];
        for (value, python) in cases {
            let mut out = String::new();
            push_float_repr(value, &mut out);
            assert_eq!(out, python, "repr({value:e})");
        }
    }
}
