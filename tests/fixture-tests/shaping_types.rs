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
    // `date-time` as `String`, under the field name the configuration chose.
    assert_eq!(order.placed_at, "2026-12-06T10:00:00Z");
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
