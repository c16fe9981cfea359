//! A borrowed JSON tree for the per-record hot path: ingest parses every record into a
//! [`Value`] that points into the record's text instead of copying it.
//!
//! `serde_json::Value` allocates a `BTreeMap` node set per object and a `String` per key
//! and per string value; for audit records (dozens of short keys and strings each) that
//! malloc/free and B-tree work was most of the parser threads' time. Here an object is
//! a `Vec` of entries in document order, and a key or string without escapes is a
//! [`Cow::Borrowed`] slice of the input: only escaped strings are copied.
//!
//! **Repeated keys: the first one wins** (docs/design.md section 3). The events table
//! keeps the record byte for byte in `raw`, and the JSON functions that read `raw`
//! (DataFusion's `json_get*`, which scan keys with jiter and stop at the first match;
//! DuckDB's `json_extract`, via yyjson, likewise) see the first value of a repeated
//! key. So that a typed column and a query over `raw` never disagree, [`Object::get`]
//! returns the first value too, and [`Object::iter`], [`Object::keys`],
//! [`Object::values`], rendering and the conversion to `serde_json::Value` keep the
//! first value of each key. Rejecting such records would lose real events (Microsoft
//! Graph's beta sign-ins repeat `homeTenantId`, see
//! tests/fixtures/samples/entra/trailcheck-graph-beta-signin-duplicate-keys.ndjson).
//! This is the one place the tree differs from `serde_json::Value`, which keeps the last.
//!
//! Otherwise, where callers can see the difference, the tree behaves like
//! `serde_json::Value`: [`Object::iter`], [`Object::keys`] and [`Object::values`] go in
//! serde_json's order (sorted by key), sorting on demand since only rare paths
//! (messages, rendering) use them; and [`Value`]'s `Serialize` and `Display` write
//! exactly the bytes `serde_json::Value::to_string()` writes for an object without
//! repeated keys (rendered sub-objects are stored in the lake). Parsing goes through
//! serde_json's own deserializer, so syntax errors, their messages and the nesting
//! limit are serde_json's.
//! The one input read differently is serde_json's private raw-value marker key
//! (`$serde_json::private::RawValue`), which `serde_json::Value` treats specially and
//! this tree keeps as an ordinary key.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
pub use serde_json::Number;

/// A JSON value whose strings borrow from the parsed text where they can.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Object<'a>),
}

/// A JSON object: its entries in document order, duplicate keys included.
#[derive(Debug, Clone, Default)]
pub struct Object<'a>(Vec<(Cow<'a, str>, Value<'a>)>);

/// Parse one JSON text, rejecting trailing characters like `serde_json::from_str`.
pub fn from_str<'a>(s: &'a str) -> Result<Value<'a>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(s);
    let value = Value::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

impl<'a> Value<'a> {
    /// The value of `key` when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.as_object()?.get(key)
    }

    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value<'a>>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
}

impl<'a> Object<'a> {
    /// The value of `key`; the first one when the key is repeated (module doc).
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of distinct keys (as serde_json's map).
    pub fn len(&self) -> usize {
        self.sorted().len()
    }

    /// Entries as serde_json orders them: sorted by key, duplicates removed (the first
    /// one kept). Sorts on each call: for messages and rendering, not the hot path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value<'a>)> {
        self.sorted().into_iter().map(|(k, v)| (&**k, v))
    }

    /// Keys in serde_json's order (see [`Object::iter`]).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(k, _)| k)
    }

    /// Values in serde_json's key order (see [`Object::iter`]).
    pub fn values(&self) -> impl Iterator<Item = &Value<'a>> {
        self.iter().map(|(_, v)| v)
    }

    /// Entries as written, duplicates included: for checks that depend on neither
    /// order nor repetition, without sorting.
    pub fn entries(&self) -> &[(Cow<'a, str>, Value<'a>)] {
        &self.0
    }

    fn sorted(&self) -> Vec<&(Cow<'a, str>, Value<'a>)> {
        let mut out: Vec<&(Cow<'a, str>, Value<'a>)> = self.0.iter().collect();
        // Stable: equal keys stay in document order, and the first of each run is kept.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|later, earlier| later.0 == earlier.0);
        out
    }
}

impl<'a> From<Vec<(Cow<'a, str>, Value<'a>)>> for Object<'a> {
    fn from(entries: Vec<(Cow<'a, str>, Value<'a>)>) -> Self {
        Object(entries)
    }
}

impl<'a> FromIterator<(Cow<'a, str>, Value<'a>)> for Object<'a> {
    fn from_iter<I: IntoIterator<Item = (Cow<'a, str>, Value<'a>)>>(iter: I) -> Self {
        Object(iter.into_iter().collect())
    }
}

/// Equality as serde_json's: objects compare as maps (order aside; of a repeated key,
/// the first value counts).
impl PartialEq for Value<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl PartialEq for Object<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl PartialEq<str> for Value<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(a) => serializer.collect_seq(a),
            Value::Object(o) => o.serialize(serializer),
        }
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = self.sorted();
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (k, v) in entries {
            map.serialize_entry(&**k, v)?;
        }
        map.end()
    }
}

/// Compact JSON, or pretty with `{:#}`: the bytes serde_json's `Value` would write.
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if f.alternate() {
            serde_json::to_string_pretty(self)
        } else {
            serde_json::to_string(self)
        };
        f.write_str(&text.map_err(|_| fmt::Error)?)
    }
}

impl From<&Value<'_>> for serde_json::Value {
    fn from(v: &Value<'_>) -> Self {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Into::into).collect()),
            Value::Object(o) => serde_json::Value::Object(
                // Sorted with repeated keys removed: each keeps its first value.
                o.sorted()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.into()))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value<'de>, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value<'de>, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value<'de>, E> {
        // As serde_json: a non-finite float (never produced by its parser) is null.
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(s)))
    }

    fn visit_none<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        Value::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        let Some(first) = map.next_key_seed(KeySeed)? else {
            return Ok(Value::Object(Object::default()));
        };
        // serde_json gives no size hint: start with room for the few keys most objects
        // of an audit record have, rather than growing from one.
        let mut entries = Vec::with_capacity(8);
        entries.push((first, map.next_value()?));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            entries.push((key, map.next_value()?));
        }
        Ok(Value::Object(Object(entries)))
    }
}

/// An object key, borrowed when it has no escapes (serde's own `Cow<str>` always copies).
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(s.to_owned()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(s))
    }
}
