//! Seeded, schema-valid conversation data for decode tests and benchmarks: every `relatedTo`
//! and `sharedWith` alternative, optional fields present and absent.

use serde_json::{json, Value};

/// xorshift64*: reproducible, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const RELATED: [(&str, &str); 7] = [
    ("user", "user"),
    ("customer", "customer"),
    ("project", "project"),
    ("appinstallation", "app"),
    ("placementgroup", "project"),
    ("extensionInstance", "extension"),
    ("container", "container"),
];
const SHARED: [(&str, &str); 4] =
    [("user", "user"), ("customer", "customer"), ("project", "project"), ("placementgroup", "project")];
const STATUS: [&str; 5] = ["open", "closed", "answered", "inProgress", "waiting"];
const ROLES: [&str; 6] = [
    "customer_owner",
    "customer_accountant",
    "customer_member",
    "project_owner",
    "project_emailadmin",
    "project_external",
];

fn uuid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next_u64(), rng.next_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

fn timestamp(rng: &mut Rng) -> String {
    let (day, hour, minute, second) = (1 + rng.below(28), rng.below(24), rng.below(60), rng.below(60));
    if rng.chance(50) {
        format!("2026-08-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
    } else {
        format!("2026-08-{day:02}T{hour:02}:{minute:02}:{second:02}.{:03}Z", 1 + rng.below(999))
    }
}

fn user(rng: &mut Rng) -> Value {
    let mut user = json!({ "userId": uuid(rng) });
    if rng.chance(70) {
        user["clearName"] = json!(format!("User {}", rng.below(10_000)));
        user["active"] = json!(rng.chance(90));
        user["isEmployee"] = json!(rng.chance(20));
    }
    if rng.chance(40) {
        user["avatarRefId"] = json!(format!("avatar-{}", rng.below(1_000_000)));
    }
    user
}

/// Conversation number `i`.
pub fn conversation(rng: &mut Rng, i: usize) -> Value {
    let (aggregate, domain) = RELATED[i % RELATED.len()];
    let mut c = json!({
        "conversationId": uuid(rng),
        "shortId": format!("CONV-{i:06}"),
        "title": format!("Conversation {i}: something about {aggregate}"),
        "createdAt": timestamp(rng),
        "status": STATUS[rng.below(STATUS.len())],
        "visibility": if rng.chance(50) { "shared" } else { "private" },
        "mainUser": user(rng),
        "relatedTo": { "aggregate": aggregate, "domain": domain, "id": uuid(rng) },
    });
    if rng.chance(60) {
        let (aggregate, domain) = SHARED[i % SHARED.len()];
        c["sharedWith"] = json!({ "aggregate": aggregate, "domain": domain, "id": uuid(rng) });
    }
    if rng.chance(50) {
        c["category"] =
            json!({ "categoryId": uuid(rng), "name": "Billing", "referenceType": ["project", "organisation"] });
    }
    if rng.chance(70) {
        let at = timestamp(rng);
        c["lastMessageAt"] = json!(at);
        c["lastMessage"] = json!({ "createdAt": at, "createdBy": user(rng) });
        c["lastMessageBy"] = user(rng);
    }
    if rng.chance(50) {
        let roles: Vec<&str> = (0..1 + rng.below(3)).map(|_| ROLES[rng.below(ROLES.len())]).collect();
        c["notificationRoles"] = json!(roles);
    }
    if rng.chance(30) {
        c["relations"] = json!([{ "aggregate": "project", "domain": "project", "id": uuid(rng) }]);
    }
    if rng.chance(60) {
        c["createdBy"] = user(rng);
    }
    c
}

/// `count` conversations from `seed`, as a JSON array.
pub fn conversations(seed: u64, count: usize) -> Value {
    let mut rng = Rng(seed | 1);
    Value::Array((0..count).map(|i| conversation(&mut rng, i)).collect())
}

/// A small valid conversation numbered `i` (title `Conversation {i}`), for the HTTP tests.
pub fn minimal_conversation(i: usize) -> Value {
    serde_json::json!({
        "conversationId": format!("3f1b6a52-8a43-4b8e-9d0c-{i:012}"),
        "shortId": format!("C-{i}"),
        "title": format!("Conversation {i}"),
        "createdAt": "2026-08-21T10:00:00Z",
        "status": "open",
        "visibility": "shared",
        "mainUser": {"userId": "u-1"},
        "relatedTo": {"aggregate": "project", "domain": "project", "id": "p-1"}
    })
}
