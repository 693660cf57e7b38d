//! Schema builders the providers' OpenAPI documents share: a field whose values are one
//! of a fixed list (codes, fund types, business types), written from the list the code
//! itself checks against, so the document and the server cannot disagree.

use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

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
