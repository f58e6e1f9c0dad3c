//! Incremental parser for server-sent events (`text/event-stream`), following the WHATWG HTML
//! standard, section "Interpreting an event stream".
//!
//! Bytes arrive in chunks split anywhere; [`EventParser::feed`] turns them into [`RawEvent`]s as
//! soon as the blank line ending each event has arrived. Work is linear in the input: each byte is
//! looked at once, and a pending line is never re-scanned. Memory is bounded by the limit given to
//! [`EventParser::new`].

use std::collections::VecDeque;
use std::fmt;

/// The UTF-8 byte order mark, ignored once at the very start of a stream.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawEvent {
    /// The `event` field of the block; "message" when the block had none (or an empty one).
    pub(crate) event: String,
    /// The `data` lines joined with "\n" (the final trailing LF removed, per the spec).
    pub(crate) data: String,
    /// The last event ID buffer at dispatch (it persists across events, per the spec); None when
    /// empty.
    pub(crate) id: Option<String>,
    /// The `retry` value in milliseconds if THIS block had a valid `retry` field (only ASCII
    /// digits).
    pub(crate) retry: Option<u64>,
}

/// A line or event larger than the limit given to `EventParser::new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EventTooLarge {
    /// The limit that was exceeded, in bytes.
    pub(crate) limit: usize,
}

impl fmt::Display for EventTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a server-sent event (or one of its lines) exceeds the limit of {} bytes", self.limit)
    }
}

impl std::error::Error for EventTooLarge {}

/// The state of one event stream being parsed.
///
/// After [`feed`](Self::feed) has returned [`EventTooLarge`] the parser is dead: every later
/// `feed` returns the same error, until [`finish`](Self::finish) discards the pending input and
/// makes it ready for a new connection.
#[derive(Debug)]
pub(crate) struct EventParser {
    /// Most bytes `line` and `data` may hold together.
    limit: usize,
    /// The bytes of the current line so far; never contains CR or LF.
    line: Vec<u8>,
    /// How many bytes of a leading BOM have been seen (they wait in `line`); `None` once the start
    /// of the stream is behind us.
    bom_matched: Option<usize>,
    /// The last line ended with a CR: an LF right after it (maybe in the next chunk) is part of
    /// that same line end.
    after_cr: bool,
    /// The data buffer: each `data` value followed by "\n".
    data: String,
    /// The event type buffer.
    event_type: String,
    /// The last event ID buffer, changed by `id` fields as they arrive.
    id_buffer: String,
    /// The ID committed by the last blank line: what a reconnection sends as `Last-Event-ID`.
    last_event_id: String,
    /// The valid `retry` value of the current block, if any.
    block_retry: Option<u64>,
    /// The reconnection time set by the stream, in milliseconds.
    reconnection_time: Option<u64>,
    /// Set once the limit has been exceeded.
    failed: bool,
}

impl EventParser {
    /// `max_event_bytes`: the most bytes one pending line plus the pending event's data may hold
    /// (memory bound against a server that never ends a line).
    ///
    /// The data buffer counts one "\n" per `data` line, and invalid UTF-8 counts after its
    /// replacement by U+FFFD. The `event` and `id` values are single lines, so they are bounded
    /// by the limit too.
    pub(crate) fn new(max_event_bytes: usize) -> Self {
        Self {
            limit: max_event_bytes,
            line: Vec::new(),
            bom_matched: Some(0),
            after_cr: false,
            data: String::new(),
            event_type: String::new(),
            id_buffer: String::new(),
            last_event_id: String::new(),
            block_retry: None,
            reconnection_time: None,
            failed: false,
        }
    }

    /// Feeds the next bytes of the stream, split anywhere (inside a UTF-8 sequence, between CR
    /// and LF, inside the BOM); every event completed by them is pushed to `out` in order.
    ///
    /// An event is dispatched as soon as its blank line has ended, even by a lone CR at the end of
    /// `chunk`. On `Err`, events completed before the offending line are still in `out`.
    pub(crate) fn feed(&mut self, chunk: &[u8], out: &mut VecDeque<RawEvent>) -> Result<(), EventTooLarge> {
        if self.failed {
            return Err(self.too_large());
        }
        let result = self.feed_bytes(chunk, out);
        self.failed = result.is_err();
        result
    }

    /// The last event ID buffer ("" when none), for a `Last-Event-ID` header on reconnect.
    ///
    /// Per the spec this is the value committed by the last blank line: an `id` field in an event
    /// whose blank line never arrived does not count, as that event was never received.
    pub(crate) fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The reconnection time the stream has set with `retry` fields (ms), if any.
    pub(crate) fn reconnection_time(&self) -> Option<u64> {
        self.reconnection_time
    }

    /// The end of the stream: per the spec, an incomplete event (no blank line after it) is
    /// discarded. Returns whether anything was discarded (pending line bytes or pending data).
    ///
    /// The parser is then ready for the stream of a new connection (a new BOM is skipped); the
    /// last event ID and the reconnection time are kept.
    pub(crate) fn finish(&mut self) -> bool {
        let discarded = !self.line.is_empty() || !self.data.is_empty();
        self.line.clear();
        self.data.clear();
        self.event_type.clear();
        self.id_buffer.clone_from(&self.last_event_id);
        self.block_retry = None;
        self.bom_matched = Some(0);
        self.after_cr = false;
        self.failed = false;
        discarded
    }

    fn too_large(&self) -> EventTooLarge {
        EventTooLarge { limit: self.limit }
    }

    fn feed_bytes(&mut self, chunk: &[u8], out: &mut VecDeque<RawEvent>) -> Result<(), EventTooLarge> {
        let mut rest = self.skip_bom(chunk)?;
        while let Some((&first, tail)) = rest.split_first() {
            if std::mem::take(&mut self.after_cr) && first == b'\n' {
                rest = tail;
                continue;
            }
            // Only the new bytes are searched: `line` never holds a line end.
            match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
                None => return self.push_line_bytes(rest),
                Some(end) => {
                    let (content, ending) = rest.split_at(end);
                    self.push_line_bytes(content)?;
                    self.after_cr = ending.first() == Some(&b'\r');
                    rest = ending.get(1..).unwrap_or_default();
                    self.end_line(out)?;
                }
            }
        }
        Ok(())
    }

    /// Consumes the bytes of a leading BOM, however the chunks split it. Bytes of a partial match
    /// wait in `line` and, when the BOM turns out not to be one, stay there as ordinary text.
    fn skip_bom<'a>(&mut self, mut rest: &'a [u8]) -> Result<&'a [u8], EventTooLarge> {
        while let (Some(matched), Some((&first, tail))) = (self.bom_matched, rest.split_first()) {
            if BOM.get(matched) != Some(&first) {
                self.bom_matched = None;
                break;
            }
            rest = tail;
            if matched + 1 == BOM.len() {
                self.line.clear();
                self.bom_matched = None;
            } else {
                self.push_line_bytes(&[first])?;
                self.bom_matched = Some(matched + 1);
            }
        }
        Ok(rest)
    }

    fn push_line_bytes(&mut self, bytes: &[u8]) -> Result<(), EventTooLarge> {
        if self.line.len().saturating_add(bytes.len()).saturating_add(self.data.len()) > self.limit {
            return Err(self.too_large());
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    /// Decodes and interprets the completed line, then empties `line` (keeping its capacity).
    fn end_line(&mut self, out: &mut VecDeque<RawEvent>) -> Result<(), EventTooLarge> {
        let mut line = std::mem::take(&mut self.line);
        let result = self.process_line(&String::from_utf8_lossy(&line), out);
        line.clear();
        self.line = line;
        result
    }

    fn process_line(&mut self, line: &str, out: &mut VecDeque<RawEvent>) -> Result<(), EventTooLarge> {
        if line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        if line.starts_with(':') {
            return Ok(());
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => {
                self.event_type.clear();
                self.event_type.push_str(value);
            }
            "data" => {
                if self.data.len().saturating_add(value.len()).saturating_add(1) > self.limit {
                    return Err(self.too_large());
                }
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => {
                self.id_buffer.clear();
                self.id_buffer.push_str(value);
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Only digits, so parsing fails only on overflow: such a value is ignored.
                if let Ok(millis) = value.parse::<u64>() {
                    self.reconnection_time = Some(millis);
                    self.block_retry = Some(millis);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The blank line at the end of a block.
    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        // The spec commits the last event ID first, even when nothing is dispatched.
        self.last_event_id.clone_from(&self.id_buffer);
        let retry = self.block_retry.take();
        if self.data.is_empty() {
            self.event_type.clear();
            return;
        }
        // The data buffer is not empty, so it ends with the "\n" of its last `data` line.
        self.data.pop();
        let event = match std::mem::take(&mut self.event_type) {
            event if event.is_empty() => "message".to_owned(),
            event => event,
        };
        let id = (!self.last_event_id.is_empty()).then(|| self.last_event_id.clone());
        out.push_back(RawEvent { event, data: std::mem::take(&mut self.data), id, retry });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1 << 20;

    fn ev(event: &str, data: &str, id: Option<&str>, retry: Option<u64>) -> RawEvent {
        RawEvent { event: event.to_owned(), data: data.to_owned(), id: id.map(str::to_owned), retry }
    }

    fn msg(data: &str, id: Option<&str>) -> RawEvent {
        ev("message", data, id, None)
    }

    /// Feeds `chunks` to a new parser; returns the events and what `finish` returned.
    fn run(chunks: &[&[u8]]) -> (Vec<RawEvent>, bool) {
        let mut parser = EventParser::new(LIMIT);
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, &mut out).expect("within the limit");
        }
        let discarded = parser.finish();
        (out.into(), discarded)
    }

    fn events(stream: &[u8]) -> Vec<RawEvent> {
        run(&[stream]).0
    }

    /// What one block of the long stream dispatches: (event type, data, id, retry).
    type Expected = Option<(&'static str, &'static str, Option<&'static str>, Option<u64>)>;

    /// The long stream, one block per row, next to the event it dispatches (if any).
    const LONG: &[(&[u8], Expected)] = &[
        ("\u{FEFF}data: first\n\n".as_bytes(), Some(("message", "first", None, None))),
        (b": welcome to the stream\n\n", None),
        (b"data: line one\r\ndata: line two\r\n\r\n", Some(("message", "line one\nline two", None, None))),
        (b"id: 1\rdata: with id\r\r", Some(("message", "with id", Some("1"), None))),
        (b"data: id persists\n\n", Some(("message", "id persists", Some("1"), None))),
        (b"event: update\ndata: {\"a\":1}\n\n", Some(("update", "{\"a\":1}", Some("1"), None))),
        (b"retry: 3000\ndata: r\n\n", Some(("message", "r", Some("1"), Some(3000)))),
        (b"data: after retry\n\n", Some(("message", "after retry", Some("1"), None))),
        (b"data\n\n", Some(("message", "", Some("1"), None))),
        (b"data\ndata\n\n", Some(("message", "\n", Some("1"), None))),
        (b"data:x\n\n", Some(("message", "x", Some("1"), None))),
        (b"data:  two spaces\n\n", Some(("message", " two spaces", Some("1"), None))),
        (b"foo: bar\ndata: unknown field ignored\n\n", Some(("message", "unknown field ignored", Some("1"), None))),
        (b"Data: wrong case\nDATA\ndata: case\n\n", Some(("message", "case", Some("1"), None))),
        (b"id\ndata: id reset\n\n", Some(("message", "id reset", None, None))),
        ("data: grüße 😀\n\n".as_bytes(), Some(("message", "grüße 😀", None, None))),
        (b"event:\ndata: empty type\n\n", Some(("message", "empty type", None, None))),
        (b"id: 42\r\nevent: ping\r\n\r\n", None),
        (b"data: after ping\r\n\r\n", Some(("message", "after ping", Some("42"), None))),
        (b": comment\ndata: a\n: mid comment\ndata: b\n\n", Some(("message", "a\nb", Some("42"), None))),
        ("data: \u{FEFF}bom later\n\n".as_bytes(), Some(("message", "\u{FEFF}bom later", Some("42"), None))),
        (b"retry: 12x\ndata: bad retry\n\n", Some(("message", "bad retry", Some("42"), None))),
        (b"retry\nretry: \ndata: empty retry\n\n", Some(("message", "empty retry", Some("42"), None))),
        (b"id: a\0b\ndata: nul id\n\n", Some(("message", "nul id", Some("42"), None))),
        (b"data: [DONE]\n\n", Some(("message", "[DONE]", Some("42"), None))),
        (b"data: l1\rdata: l2\r\ndata: l3\n\r\n", Some(("message", "l1\nl2\nl3", Some("42"), None))),
        (b"data:\n\n", Some(("message", "", Some("42"), None))),
        (b"data: trailing\n\n\n\r\r\n", Some(("message", "trailing", Some("42"), None))),
        (b"event: a\nevent: b\ndata: last wins\n\n", Some(("b", "last wins", Some("42"), None))),
        (b"id: 7\nretry: 10\nretry: 20\ndata: x\n\n", Some(("message", "x", Some("7"), Some(20)))),
        (b"data: ends with colon:\n\n", Some(("message", "ends with colon:", Some("7"), None))),
        (b"data: x\ndata:\n\n", Some(("message", "x\n", Some("7"), None))),
        (b"data:  \n\n", Some(("message", " ", Some("7"), None))),
        (b"data: \xFF\xFE ok\r\n\r\n", Some(("message", "\u{FFFD}\u{FFFD} ok", Some("7"), None))),
        (b"retry: 99999999999999999999999\ndata: overflow\n\n", Some(("message", "overflow", Some("7"), None))),
        (b"data: colon: inside : value\n\n", Some(("message", "colon: inside : value", Some("7"), None))),
        (b"data: incomplete, never dispatched\nid: 99\n", None),
    ];

    fn long_stream() -> Vec<u8> {
        LONG.iter().flat_map(|(bytes, _)| bytes.iter().copied()).collect()
    }

    fn long_expected() -> Vec<RawEvent> {
        LONG.iter()
            .filter_map(|(_, expected)| expected.map(|(event, data, id, retry)| ev(event, data, id, retry)))
            .collect()
    }

    #[test]
    fn long_stream_whole() {
        let stream = long_stream();
        let expected = long_expected();
        assert!(expected.len() >= 30);
        assert_eq!(run(&[&stream]), (expected, true));

        let mut parser = EventParser::new(LIMIT);
        parser.feed(&stream, &mut VecDeque::new()).expect("within the limit");
        assert_eq!(parser.last_event_id(), "7", "the id of the incomplete event is not committed");
        assert_eq!(parser.reconnection_time(), Some(20));
    }

    #[test]
    fn long_stream_split_in_two_at_every_position() {
        let stream = long_stream();
        let expected = (long_expected(), true);
        for at in 0..=stream.len() {
            let (head, tail) = stream.split_at(at);
            assert_eq!(run(&[head, tail]), expected, "split at {at}");
        }
    }

    #[test]
    fn long_stream_one_byte_at_a_time() {
        let stream = long_stream();
        let chunks: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(run(&chunks), (long_expected(), true));
    }

    #[test]
    fn long_stream_split_in_three_at_random_positions() {
        let stream = long_stream();
        let expected = (long_expected(), true);
        let mut state: u64 = 0x5EED;
        let mut next = |bound: usize| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap_or(0) % bound
        };
        for _ in 0..400 {
            let (a, b) = (next(stream.len() + 1), next(stream.len() + 1));
            let (first, second) = (a.min(b), a.max(b));
            let chunks = [&stream[..first], &stream[first..second], &stream[second..]];
            assert_eq!(run(&chunks), expected, "split at {first} and {second}");
        }
    }

    #[test]
    fn line_ends_are_equivalent() {
        let expected = vec![msg("a\nb", None), msg("c", None)];
        for end in ["\n", "\r\n", "\r"] {
            let stream = format!("data: a{end}data: b{end}{end}data: c{end}{end}");
            assert_eq!(events(stream.as_bytes()), expected, "line end {end:?}");
        }
        assert_eq!(events(b"data: a\rdata: b\r\n\ndata: c\n\r"), expected);
    }

    #[test]
    fn cr_at_chunk_end_then_lf_is_one_line_end() {
        assert_eq!(run(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]), (vec![msg("a\nb", None)], false));
        // A lone CR at the end of a chunk dispatches at once, without waiting for the next byte.
        let mut parser = EventParser::new(LIMIT);
        let mut out = VecDeque::new();
        parser.feed(b"data: a\r\r", &mut out).expect("within the limit");
        assert_eq!(Vec::from(out), vec![msg("a", None)]);
    }

    #[test]
    fn bom_split_across_chunks_and_only_at_start() {
        assert_eq!(run(&[b"\xEF", b"\xBB", b"\xBFdata: x\n\n"]), (vec![msg("x", None)], false));
        assert_eq!(run(&[b"\xEF\xBB", b"\xBF", b"data: x\n\n"]), (vec![msg("x", None)], false));
        // Not a BOM after all: the bytes are part of the first line (an unknown field here).
        assert_eq!(run(&[b"\xEF\xBB", b"data: x\n\ndata: y\n\n"]), (vec![msg("y", None)], false));
        assert_eq!(events(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n"), vec![msg("y", None)]);
        assert_eq!(events(b"data: x\n\n\xEF\xBB\xBFdata: y\n\n"), vec![msg("x", None)]);
    }

    #[test]
    fn comments_only_give_no_events() {
        assert_eq!(run(&[b": one\n\n:two\r\n\r\n:\r\r: last\n\n"]), (vec![], false));
    }

    #[test]
    fn incomplete_final_event_is_discarded() {
        assert_eq!(run(&[b"data: a\n\ndata: b\n"]), (vec![msg("a", None)], true));
        assert_eq!(run(&[b"data: a\n\ndata: b"]), (vec![msg("a", None)], true));
        assert_eq!(run(&[b"data: a\n\nevent: x\nid: 3\n"]), (vec![msg("a", None)], false));
    }

    #[test]
    fn data_without_trailing_blank_line_is_not_emitted() {
        let mut parser = EventParser::new(LIMIT);
        let mut out = VecDeque::new();
        parser.feed(b"id: 5\ndata: pending\n", &mut out).expect("within the limit");
        assert!(out.is_empty());
        assert_eq!(parser.last_event_id(), "");
        assert!(parser.finish());
        assert!(!parser.finish());
        // A new connection: a new BOM is skipped, the uncommitted id 5 was dropped, id 9 persists.
        parser.feed(b"\xEF\xBB\xBFid: 9\ndata: a\n\ndata: cut", &mut out).expect("within the limit");
        assert!(parser.finish());
        parser.feed(b"data: b\n\n", &mut out).expect("within the limit");
        assert_eq!(Vec::from(out), vec![msg("a", Some("9")), msg("b", Some("9"))]);
        assert_eq!(parser.last_event_id(), "9");
    }

    #[test]
    fn id_with_nul_is_ignored() {
        assert_eq!(events(b"id: 1\n\nid: 2\0\ndata: x\n\n"), vec![msg("x", Some("1"))]);
        assert_eq!(events(b"id: 1\n\nid:\ndata: x\n\n"), vec![msg("x", None)]);
    }

    #[test]
    fn invalid_retry_is_ignored() {
        let mut parser = EventParser::new(LIMIT);
        let mut out = VecDeque::new();
        parser.feed(b"retry: 12x\ndata: a\n\nretry: -1\nretry: +5\nretry: 1.5\ndata: b\n\n", &mut out).expect("ok");
        assert_eq!(Vec::from(out), vec![msg("a", None), msg("b", None)]);
        assert_eq!(parser.reconnection_time(), None);
        let mut out = VecDeque::new();
        parser.feed(b"retry: 250\n\ndata: c\n\n", &mut out).expect("within the limit");
        assert_eq!(parser.reconnection_time(), Some(250));
        assert_eq!(Vec::from(out), vec![msg("c", None)], "a retry belongs to its own block only");
    }

    #[test]
    fn empty_event_type_is_message() {
        assert_eq!(events(b"event:\ndata: x\n\nevent\ndata: y\n\n"), vec![msg("x", None), msg("y", None)]);
        assert_eq!(events(b"event: e\n\ndata: z\n\n"), vec![msg("z", None)], "reset by an empty block");
    }

    #[test]
    fn leading_space_handling() {
        assert_eq!(events(b"data:x\n\n"), vec![msg("x", None)]);
        assert_eq!(events(b"data:  x\n\n"), vec![msg(" x", None)]);
        assert_eq!(events(b"data:\tx \n\n"), vec![msg("\tx ", None)]);
    }

    #[test]
    fn limit_exceeded_returns_error() {
        let mut out = VecDeque::new();
        // One line that never ends.
        let mut parser = EventParser::new(16);
        assert_eq!(parser.feed(b"data: 0123456789", &mut out), Ok(()));
        assert_eq!(parser.feed(b"abcdef", &mut out), Err(EventTooLarge { limit: 16 }));
        assert_eq!(parser.feed(b"\n\n", &mut out), Err(EventTooLarge { limit: 16 }), "dead after an error");
        assert!(parser.finish());
        parser.feed(b"data: ok\n\n", &mut out).expect("usable again after finish");
        assert_eq!(Vec::from(out), vec![msg("ok", None)]);

        // Short lines adding up to a large event.
        let mut out = VecDeque::new();
        let mut parser = EventParser::new(20);
        assert_eq!(parser.feed(b"data: 12345678\n", &mut out), Ok(()));
        assert_eq!(parser.feed(b"data: 12345678\n", &mut out), Err(EventTooLarge { limit: 20 }));
        assert!(out.is_empty());

        // Exactly at the limit is fine: a 9-byte line, then 4 bytes of data ("abc\n").
        let mut parser = EventParser::new(9);
        parser.feed(b"data: abc\n\n", &mut out).expect("at the limit");
        assert_eq!(Vec::from(out), vec![msg("abc", None)]);
    }

    #[test]
    fn huge_line_fed_byte_by_byte_is_linear() {
        let size = 4 << 20;
        let mut stream = b"data: ".to_vec();
        stream.resize(stream.len() + size, b'a');
        stream.extend_from_slice(b"\n\n");
        let mut parser = EventParser::new(size + 16);
        let mut out = VecDeque::new();
        for byte in stream.chunks(1) {
            parser.feed(byte, &mut out).expect("within the limit");
        }
        assert_eq!(out.len(), 1);
        assert_eq!(out.front().map(|event| event.data.len()), Some(size));
    }
}
