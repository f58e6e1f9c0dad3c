//! Run by `.ci/run` inside the crate generated from the split fixture
//! (`tests/fixtures/split/openapi.yaml` and the files it references): the cycle across files
//! (`schemas/pet.yaml` → `schemas/common/owner.yaml` → `schemas/pet.yaml`) is one pair of types,
//! and values of any depth round-trip through JSON.

use fixture_split::types::{Category, Error, NotFound, Owner, Pet};

/// A pet whose owner keeps a pet whose owner keeps ... `depth` pets deep.
fn chain(depth: usize) -> Pet {
    let mut pet = Pet { id: depth as i64, name: format!("pet {depth}"), category: Some(Category::Dog), owner: None };
    for level in (0..depth.saturating_sub(1)).rev() {
        let owner = Owner { name: format!("owner {level}"), pets: Some(vec![pet]) };
        pet = Pet { id: level as i64, name: format!("pet {level}"), category: None, owner: Some(owner) };
    }
    pet
}

fn depth(pet: &Pet) -> usize {
    match pet.owner.as_ref().and_then(|owner| owner.pets.as_ref()).and_then(|pets| pets.first()) {
        Some(next) => 1 + depth(next),
        None => 1,
    }
}

/// Up to 42 pets deep: each level nests three JSON values (pet, owner, list), and serde_json
/// refuses input nested deeper than 128 (its guard against stack overflows).
#[test]
fn values_of_every_depth_round_trip() {
    for wanted in 1..=42 {
        let pet = chain(wanted);
        assert_eq!(depth(&pet), wanted);
        let json = serde_json::to_string(&pet).unwrap();
        let back: Pet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, pet, "depth {wanted}");
    }
}

#[test]
fn the_json_file_and_its_pointer_are_types_too() {
    let not_found: NotFound =
        serde_json::from_str(r#"{"id": 7, "error": {"message": "no pet 7", "code": 404}}"#).unwrap();
    assert_eq!(not_found.id, 7);
    let error: Error = not_found.error.unwrap();
    assert_eq!((error.message.as_str(), error.code), ("no pet 7", Some(404)));
}
