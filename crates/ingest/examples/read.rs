//! Reads files and prints their reports: `cargo run --example read -- FILE...`.
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let t = std::time::Instant::now();
        match dossier_ingest::read(&path, &bytes, &Default::default()) {
            Ok(batch) => {
                let r = &batch.report;
                println!(
                    "{path}: {} ({:?}) received {} accepted {} rejected {} duplicate {} ignored {}; {} statements in {:?}",
                    batch.source.title, batch.source.version, r.received, r.accepted, r.rejected, r.duplicate, r.ignored,
                    batch.statements.len(), t.elapsed()
                );
                for d in r.diagnostics.iter().take(8) {
                    println!("  {d}");
                }
            }
            Err(e) => println!("error: {e}"),
        }
    }
}
