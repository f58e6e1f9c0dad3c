use std::future::Future;

use futures_util::{Stream, StreamExt};

use super::{Error, Response};

/// A list request that pages with `limit` and `skip` (or `offset`), mittwald's convention. The
/// generator implements it for every such operation; [`pages`] and [`items`] hold the one
/// algorithm.
#[doc(hidden)]
pub trait Paginated: Clone + Sized {
    /// One element of a page.
    type Item;
    /// A page's body: the list itself, or an object that holds it (beside the total, maybe).
    type Body;
    /// The operation's typed response headers.
    type Headers;
    /// The operation's error body.
    type ErrorBody;

    /// The request's `skip`.
    fn page_skip(&self) -> Option<i64>;

    /// The request's `limit`.
    fn page_limit(&self) -> Option<i64>;

    /// The same request from another `skip`.
    fn with_skip(self, skip: i64) -> Self;

    /// The number of items in a page's body.
    fn page_len(body: &Self::Body) -> usize;

    /// A page's items.
    fn page_items(body: Self::Body) -> Vec<Self::Item>;

    /// The total count the server reports with a page (a header or a member of the body), if
    /// it does.
    fn total_count(page: &Page<Self>) -> Option<i64>;

    /// Sends the request for one page.
    fn send_page(self) -> impl Future<Output = Result<Page<Self>, Error<Self::ErrorBody>>>;
}

/// One page of `P`.
#[doc(hidden)]
pub type Page<P> = Response<<P as Paginated>::Body, <P as Paginated>::Headers>;

/// All pages, fetched lazily one after the other from the request's `skip` (default 0) with its
/// `limit` (default: the server's). The stream ends after a short or empty page, or once the
/// total count the server reports is reached; an error is the last item.
#[doc(hidden)]
pub fn pages<'c, P>(request: P) -> impl Stream<Item = Result<Page<P>, Error<P::ErrorBody>>> + 'c
where
    P: Paginated + 'c,
    P::Item: 'c,
    P::Body: 'c,
    P::Headers: 'c,
    P::ErrorBody: 'c,
{
    futures_util::stream::unfold(Some(request), |state| async move {
        let request = state?;
        let skip = request.page_skip().unwrap_or(0);
        let limit = request.page_limit();
        match request.clone().send_page().await {
            Ok(page) => {
                let next_request = next_skip(skip, limit, P::page_len(&page.body), P::total_count(&page))
                    .map(|next| request.with_skip(next));
                Some((Ok(page), next_request))
            }
            Err(error) => Some((Err(error), None)),
        }
    })
}

/// All items of all pages, fetched lazily (see [`pages`]).
#[doc(hidden)]
pub fn items<'c, P>(request: P) -> impl Stream<Item = Result<P::Item, Error<P::ErrorBody>>> + 'c
where
    P: Paginated + 'c,
    P::Item: 'c,
    P::Body: 'c,
    P::Headers: 'c,
    P::ErrorBody: 'c,
{
    pages(request).flat_map(|page| {
        let items: Vec<Result<P::Item, Error<P::ErrorBody>>> = match page {
            Ok(page) => P::page_items(page.body).into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        futures_util::stream::iter(items)
    })
}

/// The `skip` of the page after one of `received` items fetched from `skip`, or `None` when that
/// page was the last: empty, shorter than `limit`, or reaching the reported `total`.
fn next_skip(skip: i64, limit: Option<i64>, received: usize, total: Option<i64>) -> Option<i64> {
    let received = i64::try_from(received).unwrap_or(i64::MAX);
    let next = skip.saturating_add(received);
    let done = received == 0 || total.is_some_and(|total| next >= total) || limit.is_some_and(|limit| received < limit);
    (!done).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::next_skip;

    #[test]
    fn paging_stops_at_an_empty_or_short_page_or_the_total() {
        assert_eq!(next_skip(0, Some(10), 10, None), Some(10));
        assert_eq!(next_skip(10, Some(10), 10, Some(30)), Some(20));
        assert_eq!(next_skip(20, Some(10), 10, Some(30)), None, "the total is reached");
        assert_eq!(next_skip(0, Some(10), 7, None), None, "a short page is the last");
        assert_eq!(next_skip(0, None, 7, None), Some(7), "without a limit only an empty page ends it");
        assert_eq!(next_skip(7, None, 0, None), None);
        assert_eq!(next_skip(i64::MAX - 1, None, 5, None), Some(i64::MAX), "no overflow");
    }
}
