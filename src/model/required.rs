//! File-format helpers shared by the case and protocol schemas.

/// Makes an `Option` field required in a file (it must say `None` or `Some(..)`), so that a missing
/// clinical field is an error and never silently `None`.
pub(crate) fn required_option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer)
}
