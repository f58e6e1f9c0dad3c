//! The token never leaks, and bad configuration is rejected when the client is built.

use mittwald_api_client::runtime::{Auth, Token};
use mittwald_api_client::{BuildError, Client};

const TOKEN: &str = "very-secret-token-0123456789";

#[test]
fn debug_never_shows_the_token() {
    let client = Client::new(TOKEN).unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("redacted"), "{debug}");
    let bearer = Client::builder().bearer_token(TOKEN);
    assert!(!format!("{bearer:?}").contains(TOKEN));
    let auth = Auth::Bearer(Token::new(TOKEN).unwrap());
    assert!(!format!("{auth:?}").contains(TOKEN));
}

#[test]
fn tokens_that_could_split_headers_are_rejected() {
    for bad in ["abc\r\nX-Evil: 1", "abc\n", "with space", "tab\there", "ümlaut", "nul\0", ""] {
        let error = Client::builder().token(bad).build().unwrap_err();
        assert!(matches!(error, BuildError::InvalidToken(_)), "{bad:?}: {error:?}");
        assert!(!error.to_string().contains(bad) || bad.is_empty(), "the error repeats the token: {error}");
    }
}

#[test]
fn base_urls_without_scheme_or_with_query_are_rejected() {
    for (bad, reason) in [
        ("api.mittwald.de", "relative URL without a base"),
        ("ftp://api.mittwald.de", "the scheme must be http or https"),
        ("https://api.mittwald.de/?x=1", "a base URL cannot have a query"),
        ("https://api.mittwald.de/#top", "a base URL cannot have a fragment"),
        ("https://user:pw@api.mittwald.de", "credentials in the URL are not supported"),
    ] {
        let error = Client::builder().token(TOKEN).base_url(bad).build().unwrap_err();
        assert!(error.to_string().contains(reason), "{bad}: {error}");
    }
}

#[test]
fn the_default_base_url_is_mittwalds() {
    assert_eq!(Client::new(TOKEN).unwrap().base_url(), "https://api.mittwald.de");
    let client = Client::builder().token(TOKEN).base_url("http://127.0.0.1:4010/").build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:4010");
}
