//! The field names of a request type, in declaration order, read from its serde `Deserialize`
//! implementation: the positional order of the shells' idiomatic methods
//! (`getHistoryMessages(conversationType, targetId, …)`).

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A deserializer that only records the field list a struct asks for, then stops.
struct FieldNames(Option<&'static [&'static str]>);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names read")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.0 = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The fields of the struct `T` deserialises as (through `try_from` types too), in order;
/// empty for anything that is not a struct.
pub(crate) fn of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut names = FieldNames(None);
    let _ = T::deserialize(&mut names);
    names.0.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Page {
        conversation_type: i32,
        target_id: String,
        object_name: Option<String>,
    }

    #[test]
    fn reads_the_serde_names_in_order() {
        assert_eq!(
            super::of::<Page>(),
            ["conversationType", "targetId", "objectName"]
        );
        assert!(super::of::<i32>().is_empty());
    }
}
