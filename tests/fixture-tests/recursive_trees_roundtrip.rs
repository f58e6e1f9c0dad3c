//! Run by `.ci/run` inside the crate generated from `tests/fixtures/recursive_trees.yaml`:
//! every recursive shape round-trips values of depth 1 to 50, tagged unions hold the component
//! types themselves (the tag written once, read back), and `From` builds a union from a variant.

use fixture_recursive_trees::types::*;
use serde_json::{json, Value};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> Value {
    let json = serde_json::to_value(value).unwrap();
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(&back, value);
    json
}

fn nav(depth: usize) -> Group {
    let leaf = || GroupChildren::from(Link { href: "/leaf".into(), r#type: LinkType::Link });
    let mut group = Group { children: vec![leaf()], title: "level 0".into(), r#type: GroupType::Group };
    for level in 1..depth {
        group = Group {
            children: vec![leaf(), GroupChildren::from(group)],
            title: format!("level {level}"),
            r#type: GroupType::Group,
        };
    }
    group
}

/// The tag is written exactly once per object, wherever it is.
fn tags_once(value: &Value, tag: &str) {
    match value {
        Value::Object(map) => {
            let text = serde_json::to_string(value).unwrap();
            let shallow = map.keys().filter(|key| *key == tag).count();
            assert!(shallow <= 1, "{text}");
            map.values().for_each(|v| tags_once(v, tag));
        }
        Value::Array(items) => items.iter().for_each(|v| tags_once(v, tag)),
        _ => {}
    }
}

#[test]
fn a_navigation_tree_of_every_depth() {
    for depth in 1..=50 {
        let json = round_trip(&nav(depth));
        tags_once(&json, "type");
        assert_eq!(json["children"][0], json!({"type": "link", "href": "/leaf"}));
    }
    // As a server sends it, the tag anywhere in the object.
    let group: Group = serde_json::from_value(json!({
        "title": "root", "type": "group",
        "children": [{"href": "/a", "type": "link"}, {"children": [], "type": "group", "title": "empty"}, {"type": "page", "x": 1}]
    }))
    .unwrap();
    assert!(matches!(&group.children[0], GroupChildren::Link(link) if link.href == "/a"));
    assert!(matches!(&group.children[1], GroupChildren::Group(inner) if inner.title == "empty"));
    assert!(matches!(&group.children[2], GroupChildren::Unknown(value) if value["type"] == "page"));
}

#[test]
fn mutually_recursive_expressions_with_a_discriminator() {
    let mut expr = Expr::from(Literal { kind: "lit".into(), value: 1.0 });
    for depth in 1..50 {
        expr = if depth % 2 == 0 {
            Expr::from(Not { kind: "not".into(), operand: Box::new(expr) })
        } else {
            Expr::from(Binary {
                kind: "binary".into(),
                op: BinaryOp::Add,
                left: Box::new(expr),
                right: Box::new(Expr::from(Literal { kind: "lit".into(), value: depth as f64 })),
            })
        };
        tags_once(&round_trip(&expr), "kind");
    }
    let decoded: Expr = serde_json::from_value(json!({"op": "mul", "kind": "binary",
        "left": {"kind": "lit", "value": 2}, "right": {"operand": {"kind": "lit", "value": 3}, "kind": "not"}}))
    .unwrap();
    let Expr::Binary(binary) = decoded else { panic!("not binary") };
    assert_eq!(binary.op, BinaryOp::Mul);
    assert!(matches!(*binary.right, Expr::Not(ref not) if matches!(*not.operand, Expr::Lit(ref l) if l.value == 3.0)));
}

#[test]
fn blocks_comments_directories_menus_and_json_values_nest() {
    let mut block = Block::from(Paragraph { text: "p".into(), r#type: ParagraphType::Paragraph });
    let mut comment = Comment { id: 0, parent: None, replies: None, text: None };
    let mut directory = Directory { name: "leaf".into(), entries: None };
    let mut menu = Menu { items: None, kind: MenuKind::Menu, label: "leaf".into() };
    let mut value = JsonValue::String("leaf".into());
    for depth in 1..=50 {
        block = Block::from(Quote { blocks: vec![block], r#type: QuoteType::Quote });
        tags_once(&round_trip(&block), "type");
        comment = Comment {
            id: depth,
            parent: Some(Box::new(Comment { id: -depth, parent: None, replies: None, text: None })),
            replies: Some(vec![comment]),
            text: Some(format!("reply {depth}")),
        };
        round_trip(&comment);
        directory = Directory { name: format!("d{depth}"), entries: Some([("sub".to_owned(), directory)].into()) };
        round_trip(&directory);
        let entry = MenuItems::from(MenuItemsEntry { label: "entry".into(), url: "/e".into() });
        menu = Menu { items: Some(vec![entry, MenuItems::from(menu)]), kind: MenuKind::Menu, label: format!("m{depth}") };
        let json = round_trip(&menu);
        assert_eq!(json["items"][0], json!({"kind": "entry", "label": "entry", "url": "/e"}));
        value = if depth % 2 == 0 {
            JsonValue::ObjectList(vec![value, JsonValue::Number(depth as f64)])
        } else {
            JsonValue::ObjectMap([("k".to_owned(), value)].into())
        };
        round_trip(&value);
    }
}

#[test]
fn an_empty_one_of_beside_a_mapping_is_the_mapped_union() {
    let start: Event = serde_json::from_value(json!({"type": "start", "at": "now"})).unwrap();
    assert!(matches!(start, Event::Start(StartEvent { ref at, .. }) if at == "now"));
    let stop = Event::from(StopEvent { r#type: "stop".into(), reason: Some("done".into()) });
    assert_eq!(round_trip(&stop), json!({"type": "stop", "reason": "done"}));
    let nothing: Nothing = json!({"anything": [1, 2]});
    assert_eq!(nothing["anything"][1], 2);
    let itself: Itself = json!([true]);
    assert!(itself.is_array());
}

#[test]
fn lists_of_lists_of_any_depth() {
    let mut nested = NestedLists::List(Vec::new());
    for depth in 1..=50 {
        nested = NestedLists::List(vec![nested.clone(), NestedLists::List(Vec::new())]);
        let json = round_trip(&nested);
        assert_eq!(json[1], json!([]), "written as the list itself, depth {depth}");
    }
}

#[test]
fn a_value_no_variant_accepts_names_each_variant_tried() {
    let error = serde_json::from_str::<JsonValue>("null").unwrap_err().to_string();
    assert!(error.starts_with("no variant of `JsonValue` matches: `String`: invalid type: null"), "{error}");
    for variant in ["`Number`:", "`Bool`:", "`ObjectList`:", "`ObjectMap`:"] {
        assert!(error.contains(variant), "{variant} in {error}");
    }
    // The path of the bad value inside each variant.
    let error = serde_json::from_str::<JsonValue>(r#"[1, null]"#).unwrap_err().to_string();
    assert!(error.contains("`ObjectList`: at `[1]`: no variant of `JsonValue` matches"), "{error}");
}
