//! Keeps only the types the selected operations reach, renumbered in their original order.

use crate::model::{Api, Body, RequestBodyKind, TypeId, TypeKind, TypeRef};

pub(super) fn keep_reachable(api: &mut Api) {
    let mut reached = vec![false; api.types.types.len()];
    let mut stack = Vec::new();
    let visit = |ty: &TypeRef, stack: &mut Vec<TypeId>| each_named(ty, &mut |id| stack.push(id));
    for op in &api.operations {
        for param in &op.params {
            visit(&param.ty, &mut stack);
        }
        if let Some(body) = &op.request_body {
            if let RequestBodyKind::Json(ty) | RequestBodyKind::Form(ty) | RequestBodyKind::Multipart(ty) = &body.kind {
                visit(ty, &mut stack);
            }
        }
        for response in &op.responses {
            if let Some(Body::Json(ty)) = &response.body {
                visit(ty, &mut stack);
            }
        }
    }
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut reached[id.0], true) {
            continue;
        }
        match &api.types.types[id.0].kind {
            TypeKind::Struct(fields) => fields.iter().for_each(|f| visit(&f.ty, &mut stack)),
            TypeKind::TaggedUnion { variants, .. } => stack.extend(variants.iter().map(|v| v.payload)),
            TypeKind::UntaggedUnion(variants) => variants.iter().for_each(|v| visit(&v.ty, &mut stack)),
            TypeKind::Alias(ty) => visit(ty, &mut stack),
            TypeKind::StringEnum(_) => {}
        }
    }

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
    for op in &mut api.operations {
        op.params.iter_mut().for_each(|p| renumber(&mut p.ty, &remap));
        if let Some(body) = &mut op.request_body {
            if let RequestBodyKind::Json(ty) | RequestBodyKind::Form(ty) | RequestBodyKind::Multipart(ty) =
                &mut body.kind
            {
                renumber(ty, &remap);
            }
        }
        for response in &mut op.responses {
            if let Some(Body::Json(ty)) = &mut response.body {
                renumber(ty, &remap);
            }
        }
        if let Some(pagination) = &mut op.pagination {
            renumber(&mut pagination.item, &remap);
        }
    }
}

fn each_named(ty: &TypeRef, f: &mut impl FnMut(TypeId)) {
    match ty {
        TypeRef::Named(id) => f(*id),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => each_named(inner, f),
        _ => {}
    }
}

fn renumber(ty: &mut TypeRef, remap: &impl Fn(TypeId) -> TypeId) {
    match ty {
        TypeRef::Named(id) => *id = remap(*id),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => renumber(inner, remap),
        _ => {}
    }
}
