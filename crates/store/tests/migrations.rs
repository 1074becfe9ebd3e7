//! The two migration folders describe the same schema versions, so that a database of either kind
//! is at the same version after the same release.

use std::path::Path;

fn versions(kind: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(kind);
    let mut v: Vec<String> = std::fs::read_dir(&dir)
        .expect("migrations folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn sqlite_and_postgres_migrations_have_the_same_versions() {
    let (sqlite, postgres) = (versions("sqlite"), versions("postgres"));
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

#[test]
fn both_schemas_create_the_same_tables() {
    let tables = |kind: &str| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(kind);
        // A table SQLite rebuilds (to change a constraint) is created again under its own name.
        let mut names = std::collections::BTreeSet::new();
        for v in versions(kind) {
            let sql = std::fs::read_to_string(dir.join(v)).expect("migration");
            names.extend(
                sql.lines()
                    .filter_map(|l| l.strip_prefix("CREATE TABLE "))
                    .map(|l| l.trim_end_matches(" (").to_string()),
            );
            for dropped in sql.lines().filter_map(|l| l.strip_prefix("DROP TABLE ")) {
                names.remove(dropped.trim_end_matches(';'));
            }
        }
        names
    };
    assert_eq!(tables("sqlite"), tables("postgres"));
    assert_eq!(tables("sqlite").len(), 31);
}
