//! Reachability: the types the selected operations reach (the rest is dropped, the kept ones
//! renumbered in their original order), and the types the client decodes.

use crate::model::{Api, RequestBodyKind, TypeId, TypeKind, TypeRef};

/// Marks the types that may be decoded: all but those only requests reach (request bodies and
/// parameters), which the client only ever encodes.
pub(super) fn mark_decoded(api: &mut Api) {
    let (requests, mut responses) = roots(api);
    // Whatever a decoded type contains is decoded too: start from the response bodies and from
    // every type no request reaches.
    let from_requests = reach(api, requests);
    responses.extend((0..from_requests.len()).filter(|&index| !from_requests[index]).map(TypeId));
    let decoded = reach(api, responses);
    for (def, decoded) in api.types.types.iter_mut().zip(decoded) {
        def.decoded = decoded;
    }
}

/// The features under which each type compiles: a type reached by the operations of several
/// tags compiles when any of them is on. The types no operation reaches, and all they reach,
/// belong to `other-types`; webhook payloads and theirs to `webhooks`.
pub(super) fn type_features(api: &Api) -> Vec<Vec<String>> {
    let mut features: Vec<Vec<String>> = vec![Vec::new(); api.types.types.len()];
    let mut add = |feature: &str, roots: Vec<TypeId>| {
        for (index, reached) in reach(api, roots).into_iter().enumerate() {
            if reached && !features[index].iter().any(|f| f == feature) {
                features[index].push(feature.to_owned());
            }
        }
    };
    let mut any_operation = Vec::new();
    for group in &api.groups {
        let mut group_roots = Vec::new();
        for op in api.operations.iter().filter(|op| op.group == group.module) {
            op_roots(op, &mut |id| group_roots.push(id));
        }
        any_operation.extend(group_roots.iter().copied());
        add(&Api::group_feature(&group.module), group_roots);
    }
    let mut webhook_roots = Vec::new();
    for webhook in &api.webhooks {
        each_named(&webhook.payload, &mut |id| webhook_roots.push(id));
    }
    add(crate::model::WEBHOOKS_FEATURE, webhook_roots);
    let by_operations = reach(api, any_operation);
    let unreached: Vec<TypeId> = (0..by_operations.len()).filter(|&i| !by_operations[i]).map(TypeId).collect();
    add(crate::model::OTHER_TYPES_FEATURE, unreached);
    features
}

/// Every type an operation names: parameters, bodies, JSON responses, the paginated item.
fn op_roots(op: &crate::model::Operation, f: &mut impl FnMut(TypeId)) {
    for param in &op.params {
        each_named(&param.ty, f);
    }
    if let Some(body) = &op.request_body {
        if let RequestBodyKind::Json(ty) | RequestBodyKind::Form(ty) | RequestBodyKind::Multipart(ty) = &body.kind {
            each_named(ty, f);
        }
    }
    for ty in op.responses.iter().flat_map(|r| r.body_types()) {
        each_named(ty, f);
    }
    if let Some(pagination) = &op.pagination {
        each_named(&pagination.item, f);
    }
}

/// The types the operations name directly: in their requests (parameters and bodies), and in
/// their JSON responses.
fn roots(api: &Api) -> (Vec<TypeId>, Vec<TypeId>) {
    let (mut requests, mut responses) = (Vec::new(), Vec::new());
    for op in &api.operations {
        for param in &op.params {
            each_named(&param.ty, &mut |id| requests.push(id));
        }
        if let Some(body) = &op.request_body {
            if let RequestBodyKind::Json(ty) | RequestBodyKind::Form(ty) | RequestBodyKind::Multipart(ty) = &body.kind {
                each_named(ty, &mut |id| requests.push(id));
            }
        }
        for ty in op.responses.iter().flat_map(|r| r.body_types()) {
            each_named(ty, &mut |id| responses.push(id));
        }
    }
    // A webhook's payload is decoded by the user's server, like a response by the client.
    for webhook in &api.webhooks {
        each_named(&webhook.payload, &mut |id| responses.push(id));
    }
    (requests, responses)
}

pub(super) fn keep_reachable(api: &mut Api) {
    let (mut roots, responses) = roots(api);
    roots.extend(responses);
    let reached = reach(api, roots);
    let mut new_ids = vec![None; reached.len()];
    let mut next = 0;
    for (index, keep) in reached.iter().enumerate() {
        if *keep {
            new_ids[index] = Some(TypeId(next));
            next += 1;
        }
    }
    let remap = |id: TypeId| new_ids[id.0].expect("only reached types are referenced from reached places");
    let old = std::mem::take(&mut api.types.types);
    for (def, keep) in old.into_iter().zip(&reached) {
        if *keep {
            api.types.types.push(def);
        }
    }
    for def in &mut api.types.types {
        match &mut def.kind {
            TypeKind::Struct(fields) => fields.iter_mut().for_each(|f| renumber(&mut f.ty, &remap)),
            TypeKind::TaggedUnion { variants, .. } => variants.iter_mut().for_each(|v| v.payload = remap(v.payload)),
            TypeKind::UntaggedUnion(variants) => variants.iter_mut().for_each(|v| renumber(&mut v.ty, &remap)),
            TypeKind::Alias(ty) => renumber(ty, &remap),
            TypeKind::StringEnum(_) => {}
        }
    }
    for webhook in &mut api.webhooks {
        renumber(&mut webhook.payload, &remap);
    }
    for op in &mut api.operations {
        op.params.iter_mut().for_each(|p| renumber(&mut p.ty, &remap));
        if let Some(body) = &mut op.request_body {
            if let RequestBodyKind::Json(ty) | RequestBodyKind::Form(ty) | RequestBodyKind::Multipart(ty) =
                &mut body.kind
            {
                renumber(ty, &remap);
            }
        }
        for ty in op.responses.iter_mut().flat_map(|r| r.body_types_mut()) {
            renumber(ty, &remap);
        }
        if let Some(pagination) = &mut op.pagination {
            renumber(&mut pagination.item, &remap);
        }
    }
}

/// Every type `roots` reach, through fields, variants, aliases, lists and maps.
fn reach(api: &Api, mut stack: Vec<TypeId>) -> Vec<bool> {
    let mut reached = vec![false; api.types.types.len()];
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut reached[id.0], true) {
            continue;
        }
        stack.extend(held(&api.types.types[id.0].kind));
    }
    reached
}

/// The named types a type holds directly: through its fields, variants or alias, and the
/// lists, maps and boxes around them.
pub(super) fn held(kind: &TypeKind) -> Vec<TypeId> {
    let mut out = Vec::new();
    let mut visit = |ty: &TypeRef| each_named(ty, &mut |id| out.push(id));
    match kind {
        TypeKind::Struct(fields) => fields.iter().for_each(|f| visit(&f.ty)),
        TypeKind::TaggedUnion { variants, .. } => variants.iter().for_each(|v| visit(&TypeRef::Named(v.payload))),
        TypeKind::UntaggedUnion(variants) => variants.iter().for_each(|v| visit(&v.ty)),
        TypeKind::Alias(ty) => visit(ty),
        TypeKind::StringEnum(_) => {}
    }
    out
}

fn each_named(ty: &TypeRef, f: &mut impl FnMut(TypeId)) {
    match ty {
        TypeRef::Named(id) => f(*id),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => each_named(inner, f),
        TypeRef::Tuple(items) => items.iter().for_each(|item| each_named(item, f)),
        _ => {}
    }
}

fn renumber(ty: &mut TypeRef, remap: &impl Fn(TypeId) -> TypeId) {
    match ty {
        TypeRef::Named(id) => *id = remap(*id),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => renumber(inner, remap),
        TypeRef::Tuple(items) => items.iter_mut().for_each(|item| renumber(item, remap)),
        _ => {}
    }
}
