//! Prints the records and signature status of each file given:
//! `cargo run --example dump -- FILE...`.
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {path}: {e}");
                continue;
            }
        };
        match itl_core::TrustList::parse(&bytes) {
            Ok(tl) => {
                println!(
                    "{path}: {} records, header {}",
                    tl.records().len(),
                    tl.header().header_length()
                );
                println!("  signature: {:?}", itl_core::verify_signature(&tl));
                for r in tl.records() {
                    println!(
                        "  @{} len {} {:?} {:?}",
                        r.offset(),
                        r.length(),
                        r.function(),
                        r.subject_name()
                    );
                }
            }
            Err(e) => println!("{path}: error: {e} (offset {})", e.offset()),
        }
    }
}
