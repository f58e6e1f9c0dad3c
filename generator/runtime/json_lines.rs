//! Sequential JSON responses (OpenAPI 3.2's sequential media types): `application/jsonl` and
//! `application/x-ndjson` (one JSON value per line) and `application/json-seq` (RFC 7464: each
//! value after a record separator, 0x1E), read as a typed [`JsonLines`] stream of items as they
//! arrive.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde::de::DeserializeOwned;

use super::stream::{BodyStream, ByteStream, StreamError};

/// The most bytes one item may hold before the stream is refused: a bound on memory against a
/// server that never ends a line.
const MAX_ITEM_BYTES: usize = 16 * 1024 * 1024;

/// How the items of a sequence are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// One value per line (`application/jsonl`, `application/x-ndjson`): lines end in LF or
    /// CRLF; blank lines are skipped.
    Lines,
    /// RFC 7464 (`application/json-seq`): each value follows a record separator (0x1E) and ends
    /// at the next one (or a line feed); a value cut short is reported, and the rest read on.
    RecordSeparator,
}

/// Splits bytes, fed in chunks of any size, into the items of a sequence.
#[derive(Debug)]
pub(crate) struct ItemSplitter {
    framing: Framing,
    partial: Vec<u8>,
    limit: usize,
}

impl ItemSplitter {
    pub(crate) fn new(framing: Framing, limit: usize) -> Self {
        Self { framing, partial: Vec::new(), limit }
    }

    /// Adds `chunk`; complete items go to `out`. Fails if one item outgrows the limit.
    pub(crate) fn feed(&mut self, chunk: &[u8], out: &mut VecDeque<Vec<u8>>) -> Result<(), usize> {
        let separator = match self.framing {
            Framing::Lines => b'\n',
            Framing::RecordSeparator => 0x1e,
        };
        let mut rest = chunk;
        while let Some(at) = rest.iter().position(|&b| b == separator) {
            self.partial.extend_from_slice(&rest[..at]);
            self.emit(out);
            rest = &rest[at + 1..];
        }
        self.partial.extend_from_slice(rest);
        if self.partial.len() > self.limit {
            return Err(self.limit);
        }
        Ok(())
    }

    /// The body ended: what is left is the last item (a last line need not end in LF).
    pub(crate) fn finish(&mut self, out: &mut VecDeque<Vec<u8>>) {
        self.emit(out);
    }

    fn emit(&mut self, out: &mut VecDeque<Vec<u8>>) {
        let item = std::mem::take(&mut self.partial);
        let trimmed = item.trim_ascii();
        if !trimmed.is_empty() {
            out.push_back(trimmed.to_vec());
        }
    }
}

/// A sequence of JSON values of type `T`, decoded as they arrive. An item that does not decode
/// is an error item and the stream goes on; a broken connection or an idle timeout ends it.
///
/// ```ignore
/// let mut items = client.logs().tail().send().await?.into_body();
/// while let Some(entry) = items.next().await {
///     println!("{}", entry?.message);
/// }
/// ```
pub struct JsonLines<T> {
    body: BodyStream,
    splitter: ItemSplitter,
    ready: VecDeque<Vec<u8>>,
    /// Items read so far (for errors: which one was bad).
    index: u64,
    ended: bool,
    item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines")
            .field("framing", &self.splitter.framing)
            .field("items", &self.index)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> JsonLines<T> {
    pub(crate) fn new(body: BodyStream, framing: Framing) -> Self {
        Self {
            body,
            splitter: ItemSplitter::new(framing, MAX_ITEM_BYTES),
            ready: VecDeque::new(),
            index: 0,
            ended: false,
            item: PhantomData,
        }
    }

    /// Reads any download as a sequence of JSON values framed by `framing`.
    pub fn from_stream(body: ByteStream, framing: Framing) -> Self {
        Self::new(body.body, framing)
    }

    fn decode(&mut self, item: &[u8]) -> Result<T, StreamError> {
        let index = self.index;
        self.index += 1;
        super::decode_json::<T>(item).map_err(|error| StreamError::Item {
            index,
            path: error.path,
            message: error.message,
            snippet: super::error::snippet(item),
        })
    }
}

impl<T: DeserializeOwned> Stream for JsonLines<T> {
    type Item = Result<T, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.ready.pop_front() {
                return Poll::Ready(Some(this.decode(&item)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match this.body.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    if let Err(limit) = this.splitter.feed(&chunk, &mut this.ready) {
                        this.ended = true;
                        return Poll::Ready(Some(Err(StreamError::TooLarge { limit: limit as u64 })));
                    }
                }
                Poll::Ready(Some(Err(error))) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => {
                    this.splitter.finish(&mut this.ready);
                    this.ended = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(framing: Framing, chunks: &[&[u8]]) -> Vec<String> {
        let mut splitter = ItemSplitter::new(framing, 1 << 20);
        let mut out = VecDeque::new();
        for chunk in chunks {
            splitter.feed(chunk, &mut out).unwrap();
        }
        splitter.finish(&mut out);
        out.into_iter().map(|item| String::from_utf8(item).unwrap()).collect()
    }

    const LINES: &[u8] = b"{\"n\":1}\n{\"n\":2}\r\n\n  {\"n\":3,\"s\":\"a\\nb\"}\n{\"n\":4}";
    const SEQ: &[u8] = b"\x1e{\"n\":1}\n\x1e{\"n\":2}\n\x1e\n\x1e{\"n\":3,\"s\":\"a\\nb\"}\n\x1e{\"n\":4}";

    #[test]
    fn lines_and_records_split_at_every_byte() {
        let expected = ["{\"n\":1}", "{\"n\":2}", "{\"n\":3,\"s\":\"a\\nb\"}", "{\"n\":4}"];
        for (framing, text) in [(Framing::Lines, LINES), (Framing::RecordSeparator, SEQ)] {
            assert_eq!(split_all(framing, &[text]), expected);
            for cut in 0..=text.len() {
                assert_eq!(split_all(framing, &[&text[..cut], &text[cut..]]), expected, "cut at {cut}");
            }
            for second in 0..text.len() {
                let (a, b, c) = (&text[..second / 2], &text[second / 2..second], &text[second..]);
                assert_eq!(split_all(framing, &[a, b, c]), expected, "cut at {} and {second}", second / 2);
            }
            let bytes: Vec<&[u8]> = text.chunks(1).collect();
            assert_eq!(split_all(framing, &bytes), expected, "byte by byte");
        }
    }

    #[test]
    fn an_item_over_the_limit_is_refused() {
        let mut splitter = ItemSplitter::new(Framing::Lines, 8);
        let mut out = VecDeque::new();
        assert_eq!(splitter.feed(b"{\"n\":1}\n", &mut out), Ok(()));
        assert_eq!(splitter.feed(b"{\"long\": \"value\"", &mut out), Err(8));
        assert_eq!(out.len(), 1);
    }

    #[tokio::test]
    async fn items_decode_and_a_bad_one_does_not_end_the_stream() {
        use futures_util::StreamExt;
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Item {
            n: u32,
        }
        let body = BodyStream::from_bytes(bytes::Bytes::from_static(b"{\"n\":1}\n{\"n\":\"two\"}\n{\"n\":3}"));
        let items: Vec<_> = JsonLines::<Item>::new(body, Framing::Lines).collect().await;
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap(), &Item { n: 1 });
        let error = items[1].as_ref().unwrap_err().to_string();
        assert!(error.contains("item 1") && error.contains("`n`") && error.contains("two"), "{error}");
        assert_eq!(items[2].as_ref().unwrap(), &Item { n: 3 });
    }
}
