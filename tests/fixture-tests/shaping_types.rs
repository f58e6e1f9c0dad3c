//! Run by `.ci/run` inside the crate generated from `tests/fixtures/shaping/` (its
//! `openapi-rust-gen.toml` and Overlay): the program's own `Money` type in the generated
//! `Order`, names the configuration chose, extra derives, and what the Overlay changed.

use std::collections::HashSet;

use fixture_shaping::types::{Address, Order, Status};
use money::Money;

#[test]
fn the_programs_type_round_trips_inside_generated_types() {
    let json = r#"{"id":7,"total":{"amount":"12.50","currency":"EUR"},"status":"shipped","placed":"2026-12-06T10:00:00Z","note":"ring twice","city":"Espelkamp"}"#;
    let order: Order = serde_json::from_str(json).unwrap();
    let total: &Money = &order.total;
    assert_eq!(total.cents(), Some(1250));
    assert_eq!(order.status, Status::Sent);
    // `date-time` as `time::OffsetDateTime`, under the field name the configuration chose.
    assert_eq!(order.placed_at, time::macros::datetime!(2026-12-06 10:00:00 UTC));
    // Copied from Address by the Overlay.
    assert_eq!(order.city.as_deref(), Some("Espelkamp"));
    let back: Order = serde_json::from_str(&serde_json::to_string(&order).unwrap()).unwrap();
    assert_eq!(back, order);
    assert!(serde_json::to_string(&order).unwrap().contains("\"placed\":\"2026-12-06T10:00:00Z\""));
}

#[test]
fn extra_derives_compile_and_work() {
    let mut seen = HashSet::new();
    seen.insert(Address { street: Some("Main".into()), city: None });
    seen.insert(Address { street: Some("Main".into()), city: None });
    assert_eq!(seen.len(), 1);
    let statuses: HashSet<Status> = [Status::Open, Status::Sent, Status::Open].into();
    assert_eq!(statuses.len(), 2);
}

#[test]
fn names_follow_the_configuration() {
    // FastAPI-style operationIds shortened; the `orders` tag is the group `shop`; the
    // Overlay removed the internal operation.
    let client = fixture_shaping::Client::builder().base_url("http://127.0.0.1:9").token("t").build().unwrap();
    let request = client.shop().get_order(7).request();
    assert_eq!(request.path_and_query(), "/orders/7");
    assert_eq!(request.operation_id(), "get_order_orders__id__get");
    let _list = client.shop().list_orders();
}

#[test]
fn formats_travel_as_the_spec_writes_them() {
    use fixture_shaping::runtime::Nullable;
    use fixture_shaping::types::Due;
    let json = r#"{"id":1,"total":{"amount":"1.00","currency":"EUR"},"status":"open","placed":"2026-12-06T10:00:00+01:00","ships_on":"2026-12-24","serial":"9007199254740993","history":["2026-01-01T00:00:00Z"],"cancelled":null,"due":"2027-01-31"}"#;
    let order: Order = serde_json::from_str(json).unwrap();
    assert_eq!(order.placed_at, time::macros::datetime!(2026-12-06 10:00:00 +01:00));
    assert_eq!(order.ships_on, Some(time::macros::date!(2026-12-24)));
    // An int64 sent as a string, beyond what a JSON number keeps exactly.
    assert_eq!(order.serial, Some(9_007_199_254_740_993));
    assert_eq!(order.history, Some(vec![time::macros::datetime!(2026-01-01 00:00:00 UTC)]));
    assert_eq!(order.cancelled, Nullable::Null);
    assert_eq!(order.due, Some(Due::Date(time::macros::date!(2027-01-31))));
    let written = serde_json::to_value(&order).unwrap();
    assert_eq!(written["placed"], "2026-12-06T10:00:00+01:00");
    assert_eq!(written["ships_on"], "2026-12-24");
    assert_eq!(written["serial"], "9007199254740993");
    assert_eq!(written["history"][0], "2026-01-01T00:00:00Z");
    assert!(written["cancelled"].is_null());
    assert_eq!(written["due"], "2027-01-31");
    let back: Order = serde_json::from_value(written).unwrap();
    assert_eq!(back, order);
    // The other alternative of the union, and a date that is not one.
    let days: Due = serde_json::from_str("30").unwrap();
    assert!(matches!(days, Due::Integer(30)), "{days:?}");
    let error = serde_json::from_str::<Order>(&json.replace("2026-12-24", "24.12.2026")).unwrap_err().to_string();
    assert!(error.contains("24.12.2026") && error.contains("YYYY-MM-DD"), "{error}");

    // In the query: RFC 3339 and the int64s as text.
    let client = fixture_shaping::Client::builder().base_url("http://127.0.0.1:9").token("t").build().unwrap();
    let request = client
        .shop()
        .list_orders()
        .since(time::macros::datetime!(2026-12-06 10:00:00 UTC))
        .serials(vec![1, 2])
        .request();
    assert_eq!(request.path_and_query(), "/orders?since=2026-12-06T10%3A00%3A00Z&serials=1&serials=2");
}
