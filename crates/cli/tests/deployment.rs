//! docs/deployment.md followed step by step on this machine (scripts/deploy-check): a PostgreSQL
//! primary and replica, two servers started as the systemd unit starts them, nginx with the
//! shipped configuration over HTTPS, a login through it, one server stopped, a backup restored.

#[test]
fn the_deployment_guide_holds() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let o = std::process::Command::new(root.join("scripts/deploy-check"))
        .env("AVANCE_BIN", env!("CARGO_BIN_EXE_avance"))
        .output()
        .expect("scripts/deploy-check");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.ends_with("deploy-check: every step held\n"), "{out}");
    for step in ["== 1.", "== 2.", "== 3.", "== 4.", "== 5.", "== 6.", "== 7."] {
        assert!(out.contains(step), "{out}");
    }
}
