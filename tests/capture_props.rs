//! Captures round-trip exactly: arbitrary body bytes and header lists survive
//! write → read, through a `.json` file and through JSON lines.

use hookline::capture::{Capture, JsonLines};
use proptest::prelude::*;

fn any_capture() -> impl Strategy<Value = Capture> {
    (
        proptest::collection::vec(any::<u8>(), 0..2048),
        proptest::collection::vec((".{0,40}", ".{0,120}"), 0..12),
        proptest::option::of(".{0,30}"),
        "[A-Z]{3,7}",
        "/.{0,60}",
        proptest::option::of(".{0,40}"),
    )
        .prop_map(|(body, headers, event, method, path, query)| {
            let mut c = Capture::from_body(body);
            c.headers = headers;
            c.event = event;
            c.method = method;
            c.path = path;
            c.query = query;
            c
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn json_round_trip_is_exact(c in any_capture()) {
        let back = Capture::from_json(c.to_json().as_bytes()).unwrap();
        prop_assert_eq!(back, c);
    }

    #[test]
    fn file_round_trip_is_exact(c in any_capture()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        c.write_file(&path, false).unwrap();
        let back = Capture::from_json(&std::fs::read(&path).unwrap()).unwrap();
        prop_assert_eq!(back, c);
        // Only the capture is left: no temporary files.
        prop_assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn json_lines_round_trip_is_exact(cs in proptest::collection::vec(any_capture(), 0..8)) {
        let text: String = cs.iter().map(|c| c.to_json() + "\n").collect();
        // One object per line: no raw newline may leak out of a string.
        prop_assert_eq!(text.lines().count(), cs.len());
        let back: Vec<Capture> = JsonLines::new(text.as_bytes()).map(|r| r.unwrap().1).collect();
        prop_assert_eq!(back, cs);
    }
}
