use std::borrow::Cow;

use super::*;

/// serde_json's rendering of the same text.
fn serde_text(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .unwrap()
        .to_string()
}

#[test]
fn plain_strings_borrow_and_escaped_ones_are_copied() {
    let text =
        r#"{"plain":"abc","esc\"aped":"a\nb","u":"\u00e9t\u00e9","raw":"été","list":["x","y\\z"]}"#;
    let v = from_str(text).unwrap();
    let o = v.as_object().unwrap();
    let key = |k: &str| o.entries().iter().find(|(e, _)| e == k).unwrap();
    assert!(matches!(key("plain").0, Cow::Borrowed(_)));
    assert!(matches!(key("esc\"aped").0, Cow::Owned(_)));
    let s = |k: &str| match o.get(k) {
        Some(Value::String(s)) => s,
        other => panic!("{other:?}"),
    };
    assert!(matches!(s("plain"), Cow::Borrowed("abc")));
    assert!(matches!(s("raw"), Cow::Borrowed("été")));
    assert!(matches!(s("esc\"aped"), Cow::Owned(x) if x == "a\nb"));
    assert!(matches!(s("u"), Cow::Owned(x) if x == "été"));
    let list = v.get("list").and_then(Value::as_array).unwrap();
    assert!(matches!(&list[0], Value::String(Cow::Borrowed("x"))));
    assert!(matches!(&list[1], Value::String(Cow::Owned(x)) if x == "y\\z"));
}

#[test]
fn repeated_keys_keep_the_first_value_everywhere() {
    let text = r#"{"b":1,"a":{"x":1},"b":2,"c":null,"b":"three"}"#;
    let v = from_str(text).unwrap();
    assert_eq!(v.get("b").and_then(Value::as_i64), Some(1));
    assert!(v.get("c").is_some_and(Value::is_null));
    assert!(v.get("nope").is_none());
    let o = v.as_object().unwrap();
    assert!(o.contains_key("b") && !o.contains_key("B"));
    assert_eq!(o.len(), 3);
    assert_eq!(o.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
    assert_eq!(o.values().filter(|v| v.is_string()).count(), 0);
    assert_eq!(v.to_string(), r#"{"a":{"x":1},"b":1,"c":null}"#);
    assert_eq!(format!("{v:#}").matches("\"b\"").count(), 1);
    assert_eq!(
        serde_json::Value::from(&v),
        serde_json::json!({"a": {"x": 1}, "b": 1, "c": null})
    );
    // Nested objects too.
    let v = from_str(r#"{"o":{"k":"first","k":"second"}}"#).unwrap();
    assert_eq!(
        v.get("o").and_then(|o| o.get("k")),
        Some(&Value::String("first".into()))
    );
    assert_eq!(v.to_string(), r#"{"o":{"k":"first"}}"#);
}

#[test]
fn renders_byte_for_byte_as_serde_json() {
    for text in [
        r#"{"z":"\"quoted\" \\ back\/slash \b\f\n\r\t \u0001 \u001f \u007f","a":"\ud83d\ude00 日本 é"}"#,
        r#"[1e300,0.1,-0.0,-0,1.5e-7,3.0,2.5E+10,123456789012345678901234567890,-1e-300]"#,
        r#"[18446744073709551615,-9223372036854775808,9223372036854775807,0,-1]"#,
        r#"{"n":{"deep":[{"k":[[],{}]},{"b":true,"f":false,"x":null}],"e":{}},"a":[]}"#,
        r#"{"Z":1,"a":2,"_":3,"É":4,"e":5,"":6,"aa":7,"a ":8}"#,
        r#"  { "spaced" : [ 1 , 2 ] }  "#,
        r#"{}"#,
        r#"[]"#,
        r#""just a string""#,
        r#"null"#,
    ] {
        let ours = from_str(text).unwrap();
        assert_eq!(ours.to_string(), serde_text(text), "{text}");
        assert_eq!(
            format!("{ours:#}"),
            format!(
                "{:#}",
                serde_json::from_str::<serde_json::Value>(text).unwrap()
            ),
            "{text}"
        );
        assert_eq!(
            serde_json::to_vec(&ours).unwrap(),
            serde_text(text).into_bytes(),
            "{text}"
        );
    }
}

#[test]
fn numbers_read_as_serde_json() {
    let v = from_str(r#"{"u":18446744073709551615,"i":-5,"f":0.5,"big":1e300,"s":"7"}"#).unwrap();
    assert_eq!(v.get("u").and_then(Value::as_u64), Some(u64::MAX));
    assert_eq!(v.get("u").and_then(Value::as_i64), None);
    assert_eq!(v.get("i").and_then(Value::as_i64), Some(-5));
    assert_eq!(v.get("i").and_then(Value::as_u64), None);
    assert_eq!(v.get("f").and_then(Value::as_f64), Some(0.5));
    assert_eq!(v.get("f").and_then(Value::as_i64), None);
    assert_eq!(v.get("big").and_then(Value::as_f64), Some(1e300));
    assert_eq!(v.get("s").and_then(Value::as_i64), None);
    assert!(v.get("s").is_some_and(|s| s == "7"));
}

#[test]
fn refuses_what_serde_json_refuses() {
    for bad in [
        r#"{"a":1} x"#,
        r#"{"a":1}{"b":2}"#,
        r#"[1,2]]"#,
        r#"{"a":1,}"#,
        r#"{"a" 1}"#,
        r#"{"a":"unterminated}"#,
        r#"{"a":1e400}"#,
        "\"bad escape \\q\"",
        "",
    ] {
        let ours = from_str(bad).map(|v| v.to_string()).unwrap_err();
        let theirs = serde_json::from_str::<serde_json::Value>(bad).unwrap_err();
        assert_eq!(ours.to_string(), theirs.to_string(), "{bad:?}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for open in ["[", "{\"a\":"] {
        let text = open.repeat(100_000);
        let ours = from_str(&text).unwrap_err();
        let theirs = serde_json::from_str::<serde_json::Value>(&text).unwrap_err();
        assert_eq!(ours.to_string(), theirs.to_string());
        assert!(
            ours.to_string().contains("recursion limit exceeded"),
            "{ours}"
        );
    }
    // Just under the limit is fine, and renders like serde_json.
    let text = format!("{}{}", "[".repeat(127), "]".repeat(127));
    assert_eq!(from_str(&text).unwrap().to_string(), serde_text(&text));
}

#[test]
fn objects_compare_as_maps() {
    let a = from_str(r#"{"a":1,"b":[true,null],"a":2}"#).unwrap();
    let b = from_str(r#"{"b":[true,null],"a":1}"#).unwrap();
    let c = from_str(r#"{"b":[true,null],"a":2}"#).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(a.get("b").and_then(|b| b.as_array()).map(Vec::len), Some(2));
    assert_eq!(
        a.get("b").and_then(|b| b.as_array()).unwrap()[0].as_bool(),
        Some(true)
    );
}
