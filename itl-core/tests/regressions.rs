//! Every input in `fuzz/regressions/` (inputs that once exposed a problem) must
//! parse or be refused without a panic, round-trip if it parses, and never verify.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use itl_core::{TrustList, verify_signature};

#[test]
fn fuzz_regression_inputs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let readme = std::fs::read_to_string(dir.join("README.md"))
        .unwrap_or_else(|e| panic!("{}/README.md: {e}", dir.display()));
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    entries.sort();
    assert!(
        !entries.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} is not described in fuzz/regressions/README.md"
        );
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let outcome = catch_unwind(AssertUnwindSafe(|| match TrustList::parse(&bytes) {
            Err(_) => None,
            Ok(tl) => {
                assert_eq!(tl.to_bytes(), bytes, "{name}: parse -> to_bytes differs");
                Some(verify_signature(&tl))
            }
        }));
        match outcome {
            Err(_) => panic!("{name}: parsing or verifying panicked"),
            Ok(Some(Ok(report))) => panic!("{name}: verifies as valid ({report:?})"),
            Ok(_) => {}
        }
    }
}
