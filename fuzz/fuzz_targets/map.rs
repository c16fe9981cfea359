//! Every provider's mapper on any JSON object: events or a reason, never a panic, and
//! every event's time in the lake's range. The first byte picks the
//! provider (the rest must parse as JSON; the seed corpus is the fixtures' records).
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailcheck::providers::{Context, PROVIDERS};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(tree) = trailcheck::json::from_str(text) else {
        return;
    };
    let provider = PROVIDERS[pick as usize % PROVIDERS.len()];
    let ctx = Context {
        raw: rest,
        ..Context::default()
    };
    if let Ok(events) = (provider.map)(&tree, &ctx) {
        for e in events {
            assert!(
                (trailcheck::time::MIN_MICROS..=trailcheck::time::MAX_MICROS).contains(&e.time),
                "{}: time {} from {text}",
                provider.name,
                e.time
            );
        }
    }
});
