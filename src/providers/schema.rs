//! Schema builders the OpenAPI documents share: a field whose values are one of a fixed
//! list (codes, fund types, business types), written from the list the code itself
//! checks against, so the document and the server cannot disagree; and the starting
//! point of every document (its fixed parts with the sandbox's version).

use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

/// `T`'s fixed parts with the sandbox's version: what each document starts from before
/// its router adds the operations.
pub(crate) fn versioned<T: utoipa::OpenApi>() -> utoipa::openapi::OpenApi {
    let mut doc = T::openapi();
    doc.info.version = crate::VERSION.to_owned();
    doc
}

/// A string that is one of `values`.
pub(crate) fn string_enum<'a>(values: impl IntoIterator<Item = &'a str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

/// An integer that is one of `values`.
pub(crate) fn integer_enum(values: impl IntoIterator<Item = i64>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some(values))
        .build()
}
