//! Prints the comparison of two names with its explanation:
//! `cargo run -p dossier-screen --example explain -- "NAME A" "NAME B" [KIND]`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: explain NAME_A NAME_B [person|organization|vessel|any]");
        std::process::exit(2);
    }
    let kind = dossier_screen::Kind::from_schema(args.get(2).map_or("any", String::as_str));
    let result = dossier_screen::compare(&args[0], &args[1], kind);
    match serde_json::to_string_pretty(&result) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("{e}"),
    }
    for n in [&args[0], &args[1]] {
        let name = dossier_screen::Name::parse(n, kind);
        for v in &name.variants {
            let words: Vec<String> = v
                .words
                .iter()
                .map(|w| format!("{}({:?},{:?})", w.text, w.role, w.script))
                .collect();
            eprintln!(
                "{n:?}: former={} stripped={} numbers={:?} legal={:?} words={}",
                v.former,
                v.stripped,
                v.numbers,
                v.legal,
                words.join(" ")
            );
        }
    }
}
