//! Whenever parsing succeeds, the verbatim writer gives back the input byte for
//! byte, re-parsing that gives the same structure, and the "fix lengths" writer
//! changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(tl) = itl_core::TrustList::parse(data) else {
        return;
    };
    let out = tl.to_bytes();
    assert_eq!(out, data, "to_bytes() differs from the parsed input");
    let again = itl_core::TrustList::parse(&out).expect("re-parse of to_bytes()");
    assert_eq!(again.header(), tl.header());
    assert_eq!(again.records(), tl.records());
    let owned = tl.clone().into_owned();
    assert_eq!(owned.to_bytes(), data, "into_owned() changed the bytes");
    let fixed = tl.to_bytes_fixed().expect("a parsed list's lengths fit");
    assert_eq!(fixed, data, "to_bytes_fixed() changed a valid file");
    let editable = tl.to_editable();
    assert_eq!(
        editable.to_bytes().expect("a parsed list's lengths fit"),
        data,
        "the editable model's verbatim writer differs from the input"
    );
    assert_eq!(
        editable.to_bytes_fixed().expect("a parsed list's lengths fit"),
        data,
        "the editable model's fixing writer changed a valid file"
    );
});
