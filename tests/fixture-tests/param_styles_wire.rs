//! Run by `.ci/run` inside the crate generated from `tests/fixtures/param_styles.yaml`: each
//! parameter on the wire as OpenAPI's style table writes it (members in the order of
//! their names; a `null` member left out, as RFC 6570 does).

use std::collections::BTreeMap;

use fixture_param_styles::operations::query::{
    SearchCreated, SearchCreatedRangeQuerySpecs, SearchTaxRates, SearchTaxRatesEmpty,
};
use fixture_param_styles::types::{Color, Filter, FilterCreated, FilterItems, Node};
use fixture_param_styles::Client;

fn client() -> Client {
    Client::builder().build().expect("the spec's server")
}

fn color() -> Color {
    Color { r: 100, g: 200, b: None, name: Some("a b,c".into()) }
}

/// `text` with its `%XX` escapes decoded (the crate's own dependencies have no decoder to lend).
fn decoded(text: &str) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        let hex = tail.get(..2).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (byte, hex) {
            (b'%', Some(value)) => {
                bytes.push(value);
                rest = &tail[2..];
            }
            _ => {
                bytes.push(byte);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).expect("UTF-8")
}

#[test]
fn query_objects_exploded_joined_and_deep() {
    let client = client();
    let request = client.query().search().color(color()).shade(color()).spaced(color()).request();
    assert_eq!(
        request.path_and_query(),
        "/search?G=200&R=100&name=a%20b%2Cc\
         &shade=G%2C200%2CR%2C100%2Cname%2Ca%20b%2Cc\
         &spaced=G%20200%20R%20100%20name%20a%20b%2Cc"
    );
    let filter = Filter {
        status: Some(vec!["open".into(), "closed".into()]),
        created: Some(FilterCreated { gte: Some("2026-01-01".parse().unwrap()), lt: None }),
        items: Some(vec![FilterItems { id: Some("x&y".into()) }]),
    };
    let metadata = BTreeMap::from([("order".to_owned(), "42".to_owned())]);
    let request = client.query().search().filter(filter).metadata(metadata).page(3).request();
    assert_eq!(
        decoded(&request.path_and_query()),
        "/search?filter[created][gte]=2026-01-01&filter[items][0][id]=x&y\
         &filter[status][]=open&filter[status][]=closed&metadata[order]=42&page=3"
    );
    // The brackets and a value's `&` are percent-encoded, so the value stays one value.
    assert!(request.path_and_query().contains("filter%5Bitems%5D%5B0%5D%5Bid%5D=x%26y"));
}

/// Stripe's `deepObject` parameters: an array (`expand[]=..`) and a union of a range object and
/// a timestamp, which travels as whichever it holds.
#[test]
fn deep_arrays_and_unions_of_an_object_and_a_number() {
    let client = client();
    let range = SearchCreated::RangeQuerySpecs(SearchCreatedRangeQuerySpecs { gte: Some(1700000000), lt: None });
    let request = client.query().search().expand(["customer", "invoice"]).created(range).request();
    assert_eq!(
        decoded(&request.path_and_query()),
        "/search?expand[]=customer&expand[]=invoice&created[gte]=1700000000"
    );
    let request = client.query().search().created(SearchCreated::Integer(1700000000)).request();
    assert_eq!(request.path_and_query(), "/search?created=1700000000");
    // A tree, its levels bracketed.
    let leaf = Node { name: "b".into(), children: None };
    let request = client.query().search().tree(Node { name: "a".into(), children: Some(vec![leaf]) }).request();
    assert_eq!(decoded(&request.path_and_query()), "/search?tree[children][0][name]=b&tree[name]=a");
    // A list or an empty string (Stripe's way to clear one).
    let request = client.query().search().tax_rates(SearchTaxRates::StringList(vec!["txr_1".into()])).request();
    assert_eq!(decoded(&request.path_and_query()), "/search?tax_rates[]=txr_1");
    let request = client.query().search().tax_rates(SearchTaxRates::Empty(SearchTaxRatesEmpty::Value)).request();
    assert_eq!(request.path_and_query(), "/search?tax_rates=");
}

#[test]
fn path_objects_and_the_label_and_matrix_styles() {
    let client = client();
    let request = client
        .path()
        .paint(color(), color(), "blue", ["a", "b"], color(), 7, ["x", "y"], color())
        .request();
    assert_eq!(
        request.path_and_query(),
        "/paint/G%2C200%2CR%2C100%2Cname%2Ca%20b%2Cc/G%3D200%2CR%3D100%2Cname%3Da%20b%2Cc\
         /.blue/.a.b/.G,200,R,100,name,a%20b%2Cc/;matrix=7/;matrices=x;matrices=y\
         /;G=200;R=100;name=a%20b%2Cc"
    );
}

#[test]
fn header_and_cookie_objects() {
    let client = client();
    let request = client
        .path()
        .paint(color(), color(), "l", ["a"], color(), 1, ["m"], color())
        .x_color(color())
        .x_color_exploded(color())
        .prefs(color())
        .joined(Color { b: Some(1), ..color() })
        .request();
    let header = |name: &str| request.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(header("x-color").as_deref(), Some("G,200,R,100,name,a b,c"));
    assert_eq!(header("x-color-exploded").as_deref(), Some("G=200,R=100,name=a b,c"));
    assert_eq!(
        header("cookie").as_deref(),
        Some("G=200; R=100; name=a%20b%2Cc; joined=B%2C1%2CG%2C200%2CR%2C100%2Cname%2Ca%20b%2Cc")
    );
}
