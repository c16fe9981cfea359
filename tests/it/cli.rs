//! The command line as a user meets it: how errors read, what every output format
//! writes, and `run` doing what the separate commands do.

use crate::common::*;

/// How often the operating system's words for an error are in `text`.
fn times(text: &str, words: &str) -> usize {
    text.matches(words).count()
}

/// An error from the operating system is printed once, after the path it concerns (it
/// was printed twice: in the message and again as its source).
#[test]
fn an_os_error_is_printed_once() {
    let d = tempfile::tempdir().unwrap();
    // An input that does not exist.
    let (_s, out) = ingest(&d.path().join("lake"), &["/no/such/export.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("/no/such/export.json"), "{err}");
    assert_eq!(times(&err, "No such file or directory"), 1, "{err}");

    // A lake that cannot be created: its parent is a file.
    let file = d.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let input = sample_logs("okta");
    let (_s, out) = ingest(&file.join("lake"), &[input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("a-file/lake"), "{err}");
    assert_eq!(times(&err, "Not a directory"), 1, "{err}");

    // The same through a command that reads a lake (sql had its own work-around).
    let out = bin()
        .args(["sql", "SELECT 1", "--lake"])
        .arg(file.join("lake"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(times(&err, "Not a directory") <= 1, "{err}");
}
